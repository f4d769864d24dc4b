package dev.gozo.worker.results;

import dev.gozo.protocol.v1.JobCompleted;

/** Where a worker reports a job's progress and final result ({@link ResultPublisher}: Kafka). */
public interface ResultSink {

  /** Makes the result durable; false when that failed (the job is then handed back). */
  boolean publish(JobCompleted result);

  /** Reports that the job started; best effort. */
  void started(String jobId, String tenant, String workerId, int attempt);
}
