package dev.gozo.worker.intake;

import dev.gozo.topics.KeyScan;
import java.time.Duration;

/**
 * Looks in the jobs topic for an earlier record of a job id, up to {@code window} before the
 * record: two gateways given the same Idempotency-Key at the same moment publish one id twice, and
 * only the first record (the lowest offset of the id's partition) may run.
 */
public final class JobTopicScan implements EarlierRecords, AutoCloseable {

  private final KeyScan scan;
  private final Duration window;
  private final Duration timeout;

  public JobTopicScan(String bootstrap, String jobsTopic, Duration window, Duration timeout) {
    this.scan = new KeyScan(bootstrap, jobsTopic, "gozo-worker-job-scan");
    this.window = window;
    this.timeout = timeout;
  }

  @Override
  public KeyScan.Search before(DeliveredRecord record) {
    return scan.firstBefore(
        record.partition(),
        record.key(),
        record.timestampMs() - window.toMillis(),
        record.offset(),
        timeout);
  }

  @Override
  public void close() {
    scan.close();
  }
}
