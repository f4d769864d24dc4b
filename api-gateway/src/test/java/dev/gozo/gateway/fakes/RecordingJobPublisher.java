package dev.gozo.gateway.fakes;

import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.intake.JobPublisher;
import dev.gozo.gateway.intake.KafkaJobPublisher;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobEvent;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for Kafka: keeps what was published, or fails every publish when told to. */
@Singleton
@Replaces(KafkaJobPublisher.class)
@Requires(env = TestGateway.FAKE_KAFKA)
public final class RecordingJobPublisher implements JobPublisher {

  public final List<ExecuteJob> jobs = new CopyOnWriteArrayList<>();
  public final List<JobEvent> events = new CopyOnWriteArrayList<>();
  public volatile RuntimeException failWith;

  @Override
  public CompletableFuture<Void> publish(ExecuteJob job, JobEvent queued) {
    if (failWith != null) {
      return CompletableFuture.failedFuture(failWith);
    }
    jobs.add(job);
    events.add(queued);
    return CompletableFuture.completedFuture(null);
  }
}
