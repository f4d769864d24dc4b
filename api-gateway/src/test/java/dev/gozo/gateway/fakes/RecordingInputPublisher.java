package dev.gozo.gateway.fakes;

import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.input.JobInputPublisher;
import dev.gozo.gateway.input.KafkaJobInputPublisher;
import dev.gozo.protocol.v1.JobInput;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for the input topic: keeps what was published. */
@Singleton
@Replaces(KafkaJobInputPublisher.class)
@Requires(env = TestGateway.FAKE_KAFKA)
public final class RecordingInputPublisher implements JobInputPublisher {

  public final List<JobInput> inputs = new CopyOnWriteArrayList<>();

  @Override
  public CompletableFuture<Void> publish(JobInput input) {
    inputs.add(input);
    return CompletableFuture.completedFuture(null);
  }
}
