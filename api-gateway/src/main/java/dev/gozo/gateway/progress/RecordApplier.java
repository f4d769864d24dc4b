package dev.gozo.gateway.progress;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.gateway.jobs.JobEventHeaders;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobEvent;
import java.nio.charset.StandardCharsets;

/**
 * Applies one record of the results or events topic to the {@link JobStateStore}: the decision of
 * what a record means, without the consumer that fetched it, so it is tested without Kafka.
 *
 * <p>Order and duplicates are the store's business ({@code JobLifecycle}): records of one job come
 * from two topics and may arrive in any order, more than once. This class only decodes.
 */
final class RecordApplier {

  /** What became of a record; only {@link #UNREADABLE} is worth telling an operator about. */
  enum Outcome {
    /** Decoded and handed to the store (which may still ignore it as late or foreign). */
    APPLIED,
    /** Deliberately not decoded: a tombstone, or a queued event the store already knows. */
    SKIPPED,
    /** Not a message of ours; skipped so that one bad record cannot stop the feed. */
    UNREADABLE
  }

  private final JobStateStore store;
  private final String resultsTopic;

  RecordApplier(JobStateStore store, String resultsTopic) {
    this.store = store;
    this.resultsTopic = resultsTopic;
  }

  /**
   * @param topic the topic the record was read from: the results topic, else the events topic
   * @param key the record's key (the job id), null when absent
   * @param value the record's value, null for a tombstone
   * @param kind the value of its {@link JobEventHeaders#KIND} header, null when absent
   */
  Outcome apply(String topic, byte[] key, byte[] value, byte[] kind) {
    if (value == null) {
      return Outcome.SKIPPED; // a tombstone: compaction removed the job's result, nothing to record
    }
    String jobId = key == null ? "" : new String(key, StandardCharsets.UTF_8);
    if (JobEventHeaders.isQueued(kind) && store.knows(jobId)) {
      // Most likely our own: recorded when it was submitted here. Saves decoding one event per job.
      return Outcome.SKIPPED;
    }
    try {
      if (topic.equals(resultsTopic)) {
        applyResult(JobCompleted.parseFrom(value), jobId);
      } else {
        applyEvent(JobEvent.parseFrom(value));
      }
      return Outcome.APPLIED;
    } catch (InvalidProtocolBufferException e) {
      return Outcome.UNREADABLE;
    }
  }

  private void applyResult(JobCompleted result, String key) {
    // The record's key is the job id; a result that leaves its own id empty still belongs to it.
    store.recordCompleted(
        result.getJobId().isEmpty() ? result.toBuilder().setJobId(key).build() : result);
  }

  private void applyEvent(JobEvent event) {
    switch (event.getKindCase()) {
      case QUEUED ->
          store.recordQueued(
              event.getJobId(),
              event.getTenant(),
              event.getQueued().getLanguage(),
              event.getQueued().getVersion(),
              event.getAtMs());
      case STARTED ->
          store.recordStarted(
              event.getJobId(),
              event.getTenant(),
              event.getStarted().getWorkerId(),
              event.getStarted().getDeliveryAttempt(),
              event.getAtMs());
      default -> {
        // An event kind newer than this gateway: nothing to record.
      }
    }
  }
}
