package dev.gozo.gateway.progress;

import dev.gozo.gateway.jobs.JobStateStore;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides when the results topic has been read back after start-up: every results partition
 * assigned at start has been read up to the offset it ended at then. Until that moment a job the
 * store does not know may simply not have been read yet, so the gateway answers 503, not 404 (see
 * {@link JobStateStore#isReplayed()}).
 *
 * <p>Only touched by the consumer's thread.
 */
final class ResultsReplay {

  private final JobStateStore store;

  /** Results partitions and the offset they ended at when assigned; emptied as they are reached. */
  private final Map<TopicPartition, Long> targets = new HashMap<>();

  ResultsReplay(JobStateStore store) {
    this.store = store;
  }

  /** Adds partitions to read up to the given end offsets before the replay is complete. */
  void expect(Map<TopicPartition, Long> endOffsets) {
    targets.putAll(endOffsets);
  }

  /**
   * Drops the partitions whose read position reached their target and marks the store replayed once
   * none is left. Asks for no position once the store is replayed.
   */
  void check(ToLongFunction<TopicPartition> position) {
    if (store.isReplayed()) {
      return;
    }
    targets
        .entrySet()
        .removeIf(target -> position.applyAsLong(target.getKey()) >= target.getValue());
    if (targets.isEmpty()) {
      store.markReplayed();
    }
  }
}
