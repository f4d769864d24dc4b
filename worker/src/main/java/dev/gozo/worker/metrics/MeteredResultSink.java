package dev.gozo.worker.metrics;

import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.worker.results.ResultSink;

/** A {@link ResultSink} that counts every result it made durable in {@link WorkerMetrics}. */
public final class MeteredResultSink implements ResultSink {

  private final ResultSink sink;
  private final WorkerMetrics metrics;

  public MeteredResultSink(ResultSink sink, WorkerMetrics metrics) {
    this.sink = sink;
    this.metrics = metrics;
  }

  @Override
  public boolean publish(JobCompleted result) {
    long began = System.nanoTime();
    boolean published = sink.publish(result);
    if (published) {
      metrics.resultPublished(java.time.Duration.ofNanos(System.nanoTime() - began));
      metrics.finished(result);
    }
    return published;
  }

  @Override
  public void started(String jobId, String tenant, String workerId, int attempt) {
    sink.started(jobId, tenant, workerId, attempt);
  }
}
