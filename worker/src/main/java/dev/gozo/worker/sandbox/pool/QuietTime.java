package dev.gozo.worker.sandbox.pool;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Whether the engine may do the pool's chores now: no job runs and none started or ended for {@code
 * quietAfter}. Engine work slows the jobs beside it down, so it waits for such moments.
 */
final class QuietTime {

  private final Duration quietAfter;
  private final LongSupplier nanoClock;
  private final AtomicInteger jobsRunning = new AtomicInteger();
  private volatile long lastActivityNanos;

  QuietTime(Duration quietAfter, LongSupplier nanoClock) {
    this.quietAfter = quietAfter;
    this.nanoClock = nanoClock;
    this.lastActivityNanos = nanoClock.getAsLong();
  }

  void jobStarted() {
    jobsRunning.incrementAndGet();
    lastActivityNanos = nanoClock.getAsLong();
  }

  void jobEnded() {
    jobsRunning.decrementAndGet();
    lastActivityNanos = nanoClock.getAsLong();
  }

  boolean quiet() {
    return jobsRunning.get() <= 0
        && nanoClock.getAsLong() - lastActivityNanos >= quietAfter.toNanos();
  }
}
