package dev.gozo.gateway.fakes;

import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.live.EventId;
import dev.gozo.gateway.live.KafkaStreamReplay;
import dev.gozo.gateway.live.StreamReplay;
import dev.gozo.protocol.v1.JobOutput;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** No output topic: a stream memory does not hold has no records. */
@Singleton
@Replaces(KafkaStreamReplay.class)
@Requires(env = TestGateway.FAKE_KAFKA)
public final class NoStreamReplay implements StreamReplay {

  @Override
  public CompletableFuture<List<JobOutput>> read(String jobId, long fromMs, EventId until) {
    return CompletableFuture.completedFuture(List.of());
  }
}
