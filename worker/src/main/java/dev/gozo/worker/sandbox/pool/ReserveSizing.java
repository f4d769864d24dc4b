package dev.gozo.worker.sandbox.pool;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * How many warm containers each runtime should have: its reserve (configured with {@link
 * #keepWarm}, else the default while the runtime is in use) plus one per job of it running, up to
 * {@code maxBusy}; and the low-water mark below which a take starts a replacement at once. Pure
 * bookkeeping, no engine: the clock is given.
 */
final class ReserveSizing {

  private final int defaultReserve;
  private final int maxBusy;
  private final Duration inUseFor;
  private final LongSupplier nanoClock;
  private final Map<String, Integer> reserves = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  private final Map<String, Long> lastTakeNanos = new ConcurrentHashMap<>();

  /**
   * @param defaultReserve reserve of a runtime without its own, kept while it is in use; 0 keeps
   *     none
   * @param maxBusy how far the jobs running raise a reserve (one each), at most
   * @param inUseFor how long a runtime counts as in use after its last take
   */
  ReserveSizing(int defaultReserve, int maxBusy, Duration inUseFor, LongSupplier nanoClock) {
    this.defaultReserve = defaultReserve;
    this.maxBusy = maxBusy;
    this.inUseFor = inUseFor;
    this.nanoClock = nanoClock;
  }

  /** The runtime keeps {@code reserve} warm containers at all times. */
  void keepWarm(String key, int reserve) {
    reserves.put(key, reserve);
  }

  /** A job of the runtime took a container. */
  void taken(String key) {
    lastTakeNanos.put(key, nanoClock.getAsLong());
    running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  /** A job of the runtime that {@link #taken} counted has ended (or its take failed). */
  void ended(String key) {
    AtomicInteger busy = running.get(key);
    if (busy != null) {
      busy.decrementAndGet();
    }
  }

  /** How many warm containers the runtime should have now. */
  int target(String key) {
    Long lastTake = lastTakeNanos.get(key);
    boolean wanted =
        reserves.containsKey(key)
            || lastTake != null && nanoClock.getAsLong() - lastTake < inUseFor.toNanos();
    int base = reserves.getOrDefault(key, defaultReserve);
    if (!wanted || base <= 0) {
      return 0;
    }
    AtomicInteger busy = running.get(key);
    int jobs = busy == null ? 0 : Math.max(0, busy.get());
    return base + Math.min(jobs, Math.max(0, maxBusy - base));
  }

  /** Below this many warm containers a take starts a replacement without waiting for quiet. */
  int lowWater(String key) {
    return Math.max(1, (target(key) + 3) / 4);
  }
}
