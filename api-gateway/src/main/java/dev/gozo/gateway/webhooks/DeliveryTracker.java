package dev.gozo.gateway.webhooks;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of the results topic the webhooks group may commit: past every result whose
 * delivery is finished (succeeded, given up, or nothing to deliver), never past one still pending.
 * A gateway that stops with deliveries pending leaves the group's offset at the oldest of them, so
 * the next owner of the partition delivers them again (at-least-once). Not thread-safe: owned by
 * the dispatcher's consumer thread.
 */
final class DeliveryTracker {

  private static final class Partition {
    final TreeSet<Long> pending = new TreeSet<>();
    long next = -1; // one past the highest offset seen
    long committed = -1;

    long committable() {
      return pending.isEmpty() ? next : pending.first();
    }
  }

  private final Map<TopicPartition, Partition> partitions = new HashMap<>();

  /** A record was read; {@code pending} when its delivery has yet to finish. */
  void seen(TopicPartition tp, long offset, boolean pending) {
    Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
    p.next = Math.max(p.next, offset + 1);
    if (pending) {
      p.pending.add(offset);
    }
  }

  /** The delivery of the record at {@code offset} is finished; unknown offsets are ignored. */
  void finished(TopicPartition tp, long offset) {
    Partition p = partitions.get(tp);
    if (p != null) {
      p.pending.remove(offset);
    }
  }

  /** Deliveries still pending, in all partitions. */
  int pending() {
    return partitions.values().stream().mapToInt(p -> p.pending.size()).sum();
  }

  /** The offsets to commit now: only partitions whose committable offset moved since. */
  Map<TopicPartition, Long> toCommit() {
    Map<TopicPartition, Long> commit = new HashMap<>();
    partitions.forEach(
        (tp, p) -> {
          long offset = p.committable();
          if (offset >= 0 && offset > p.committed) {
            commit.put(tp, offset);
          }
        });
    return commit;
  }

  /** The offsets of {@link #toCommit()} were committed. */
  void committed(Map<TopicPartition, Long> offsets) {
    offsets.forEach(
        (tp, offset) -> {
          Partition p = partitions.get(tp);
          if (p != null) {
            p.committed = Math.max(p.committed, offset);
          }
        });
  }

  /** The partitions went to another gateway (or this one stops): forget their deliveries. */
  void forget(Collection<TopicPartition> revoked) {
    revoked.forEach(partitions::remove);
  }
}
