package dev.gozo.topics;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.protocol.v1.JobCompleted;
import java.time.Duration;

/**
 * Finds one job's result in the results topic: the job's partition is read from the job's
 * submission onwards ({@link KeyScan}), within a deadline.
 *
 * <p>The worker uses it for a job delivered again (was a result already published?), the gateway
 * for a job its in-memory store no longer holds.
 */
public final class ResultTopicScan implements AutoCloseable {

  /**
   * How far the clock of whoever stamped a job's submission time may be behind the broker's that
   * stamps its result: callers read from the submission time minus this.
   */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  private final KeyScan scan;

  public ResultTopicScan(String bootstrap, String topic, String clientId) {
    this.scan = new KeyScan(bootstrap, topic, clientId);
  }

  /**
   * Looks for the result published for {@code jobId} at or after {@code fromMs}. The answer is
   * {@link ResultSearch.NotPublished} only when the partition was read to its end; a deadline that
   * passed first, or a Kafka failure, is {@link ResultSearch.Unfinished}.
   */
  public ResultSearch find(String jobId, long fromMs, Duration timeout) {
    KeyScan.Search search = scan.first(jobId, fromMs, timeout);
    if (search instanceof KeyScan.Hit hit) {
      return ResultSearch.found(parse(hit.value()));
    }
    if (search instanceof KeyScan.Unfinished unfinished) {
      return ResultSearch.unfinished(unfinished.reason());
    }
    return ResultSearch.notPublished();
  }

  private static JobCompleted parse(byte[] value) {
    try {
      return JobCompleted.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "the results topic holds a record that is no JobCompleted", e);
    }
  }

  @Override
  public void close() {
    scan.close();
  }
}
