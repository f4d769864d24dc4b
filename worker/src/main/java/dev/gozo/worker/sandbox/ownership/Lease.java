package dev.gozo.worker.sandbox.ownership;

import dev.gozo.worker.engine.ContainerSummary;
import dev.gozo.worker.sandbox.container.ContainerFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One owner lease as the engine lists it (see {@link OwnerLease}): whose it is, when the engine
 * created it, and how long it proves its owner alive.
 *
 * @param containerId the lease container
 * @param owner the worker it proves alive; null when the label is missing
 * @param createdEpochSecond the engine's creation time, in whole seconds as the list API gives it
 * @param ttl how long after its creation the lease holds; zero when the label is unreadable
 */
record Lease(String containerId, String owner, long createdEpochSecond, Duration ttl) {

  /** Reads a container listed with the lease role; a damaged label makes a lease already over. */
  static Lease of(ContainerSummary container) {
    Map<String, String> labels = container.labels();
    return new Lease(
        container.id(),
        labels.get(ContainerFactory.OWNER_LABEL),
        container.createdEpochSecond(),
        ttlOf(labels.get(OwnerLease.TTL_LABEL)));
  }

  /**
   * Whether the lease still holds at the engine's time NOW. The engine reports creation in whole
   * seconds, truncated; we take the end of that second, so a lease never ends before its TTL.
   */
  boolean liveAt(Instant now) {
    return Instant.ofEpochSecond(createdEpochSecond + 1).plus(ttl).isAfter(now);
  }

  private static Duration ttlOf(String label) {
    try {
      return label == null ? Duration.ZERO : Duration.ofMillis(Math.max(0, Long.parseLong(label)));
    } catch (NumberFormatException e) {
      // Not written by OwnerLease: it proves nothing, so it is over and is swept like one.
      return Duration.ZERO;
    }
  }
}
