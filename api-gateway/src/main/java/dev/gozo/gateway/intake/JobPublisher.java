package dev.gozo.gateway.intake;

import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobEvent;
import java.util.concurrent.CompletableFuture;

/** Hands accepted jobs to the workers. The Kafka implementation is {@link KafkaJobPublisher}. */
public interface JobPublisher {

  /**
   * Publishes {@code job} to the jobs topic. The future completes once the job is durable
   * (acknowledged by all in-sync replicas) and fails with the client's exception when it could not
   * be made durable in time. Then, best effort, {@code queued} goes to the events topic, so other
   * gateways learn of the job; it is never announced when it was not published.
   */
  CompletableFuture<Void> publish(ExecuteJob job, JobEvent queued);

  /**
   * As {@link #publish(ExecuteJob, JobEvent)}; {@code urgent} jobs have a client waiting for the
   * result ({@code ?wait=true}) and skip any batching delay.
   */
  default CompletableFuture<Void> publish(ExecuteJob job, JobEvent queued, boolean urgent) {
    return publish(job, queued);
  }
}
