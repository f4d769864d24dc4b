package dev.gozo.gateway.fakes;

import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.live.KafkaOutputConsumer;
import dev.gozo.gateway.live.LiveHub;
import dev.gozo.gateway.live.OutputFeed;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;

/** No output topic to read: tests hand records to the hub themselves. */
@Context
@Replaces(KafkaOutputConsumer.class)
@Requires(env = TestGateway.FAKE_KAFKA)
public final class NoOutputFeed implements OutputFeed {

  private final LiveHub hub;

  public NoOutputFeed(LiveHub hub) {
    this.hub = hub;
  }

  @Override
  @PostConstruct
  public void start() {
    hub.liveSince(0);
  }

  @Override
  public void stop() {}
}
