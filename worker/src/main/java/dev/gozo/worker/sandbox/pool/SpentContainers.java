package dev.gozo.worker.sandbox.pool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Containers whose job is over and that wait to be removed (C is SandboxContainer; a name in
 * tests). Their launcher has already killed every process of the job and emptied its writable
 * places (see launcher.sh, "linger"), so one costs a sleeping shell and a few MiB until the engine
 * tears it down. Removal waits for a quiet moment because tearing a container down costs the engine
 * ~40 ms of CPU, which on a small host would slow the jobs of a burst; the caps bound how many wait
 * and for how long.
 */
final class SpentContainers<C> {

  private record Spent<C>(C container, long sinceNanos) {}

  private final int maxWaiting;
  private final long maxWaitNanos;
  private final Deque<Spent<C>> waiting = new ArrayDeque<>();

  SpentContainers(int maxWaiting, Duration maxWait) {
    this.maxWaiting = maxWaiting;
    this.maxWaitNanos = maxWait.toNanos();
  }

  /** Adds a container; returns those that must go at once because too many wait. */
  synchronized List<C> add(C container, long nowNanos) {
    waiting.addLast(new Spent<>(container, nowNanos));
    List<C> overflow = new ArrayList<>();
    while (waiting.size() > maxWaiting) {
      overflow.add(waiting.pollFirst().container());
    }
    return overflow;
  }

  /** Those that waited longer than allowed. */
  synchronized List<C> overdue(long nowNanos) {
    List<C> due = new ArrayList<>();
    while (!waiting.isEmpty() && nowNanos - waiting.peekFirst().sinceNanos() > maxWaitNanos) {
      due.add(waiting.pollFirst().container());
    }
    return due;
  }

  /** The one that waited longest, or null. */
  synchronized C next() {
    Spent<C> spent = waiting.pollFirst();
    return spent == null ? null : spent.container();
  }

  synchronized List<C> drain() {
    List<C> all = new ArrayList<>();
    Spent<C> spent;
    while ((spent = waiting.pollFirst()) != null) {
      all.add(spent.container());
    }
    return all;
  }

  synchronized int size() {
    return waiting.size();
  }
}
