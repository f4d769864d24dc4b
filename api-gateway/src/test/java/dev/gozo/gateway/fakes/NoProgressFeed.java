package dev.gozo.gateway.fakes;

import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.gateway.progress.KafkaProgressConsumer;
import dev.gozo.gateway.progress.ProgressFeed;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;

/** No Kafka to read: tests record events in the store themselves. */
@Context
@Replaces(KafkaProgressConsumer.class)
@Requires(env = TestGateway.FAKE_KAFKA)
public final class NoProgressFeed implements ProgressFeed {

  private final JobStateStore store;

  public NoProgressFeed(JobStateStore store) {
    this.store = store;
  }

  @Override
  @PostConstruct
  public void start() {
    store.markReplayed();
  }

  @Override
  public void stop() {}
}
