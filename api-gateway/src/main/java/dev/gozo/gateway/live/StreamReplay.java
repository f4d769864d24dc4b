package dev.gozo.gateway.live;

import dev.gozo.protocol.v1.JobOutput;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a job's output records back from the output topic, for a subscriber whose job's stream is
 * not whole in memory. The Kafka implementation is {@link KafkaStreamReplay}. Fails the future when
 * the read did not finish in time; throws {@link java.util.concurrent.RejectedExecutionException}
 * when too many reads wait already.
 */
public interface StreamReplay {

  /**
   * The job's records from {@code fromMs} on, in order.
   *
   * @param until the last record the job will ever have (its result's attempt and record count), so
   *     the read can stop there; null while the job may still publish
   */
  CompletableFuture<List<JobOutput>> read(String jobId, long fromMs, EventId until);
}
