package dev.gozo.gateway.admission;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies the gateway holds at once. A body stays in memory (as received, then
 * parsed, then as a Kafka record) until its response is written, so without a bound a few dozen
 * clients sending 5 MB jobs at the same moment exhaust the heap and direct memory, and every
 * request then fails with a 500. Large bodies past the budget are refused with 503 instead; small
 * ones (the common case) always pass, so a burst of large jobs cannot lock out ordinary ones.
 */
public final class BodyBudget {

  /** Bodies up to this size are never refused: their total is bounded by the connections. */
  public static final long ALWAYS_ADMITTED_BYTES = 64 * 1024;

  private final long capacity;
  private final AtomicLong held = new AtomicLong();

  public BodyBudget(long capacity) {
    if (capacity < ALWAYS_ADMITTED_BYTES) {
      throw new IllegalArgumentException("a body budget below 64 KiB would refuse small requests");
    }
    this.capacity = capacity;
  }

  /**
   * Reserves {@code bytes} when they fit beside what is held, or when they are small; false leaves
   * the budget unchanged.
   */
  public boolean tryReserve(long bytes) {
    if (bytes <= ALWAYS_ADMITTED_BYTES) {
      held.addAndGet(bytes);
      return true;
    }
    long current;
    do {
      current = held.get();
      if (current + bytes > capacity) {
        return false;
      }
    } while (!held.compareAndSet(current, current + bytes));
    return true;
  }

  /** Reserves {@code bytes} whatever is held (a request that cannot be refused any more). */
  public void reserve(long bytes) {
    held.addAndGet(bytes);
  }

  public void release(long bytes) {
    held.addAndGet(-bytes);
  }

  public long held() {
    return held.get();
  }

  public long capacity() {
    return capacity;
  }
}
