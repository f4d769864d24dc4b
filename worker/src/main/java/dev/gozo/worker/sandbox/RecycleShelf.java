package dev.gozo.worker.sandbox;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Used, scrubbed containers waiting for the next job of the same tenant and runtime (recycling
 * mode). Keys never mix tenants, so one tenant's container can never serve another's job. Idle
 * containers leave after the policy's TTL; {@code retire} removes them.
 */
final class RecycleShelf implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RecycleShelf.class);

  private final RecyclePolicy policy;
  private final int maxIdlePerKey;
  private final Consumer<SandboxContainer> retire;
  private final Map<String, ConcurrentLinkedDeque<SandboxContainer>> idle = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> scrubbing =
      new ConcurrentHashMap<>();
  private final ScheduledExecutorService janitor =
      Executors.newSingleThreadScheduledExecutor(
          DaemonThreads.named("sandbox-recycle-janitor"));
  private volatile boolean closed;

  RecycleShelf(RecyclePolicy policy, int maxIdlePerKey, Consumer<SandboxContainer> retire) {
    this.policy = policy;
    this.maxIdlePerKey = maxIdlePerKey;
    this.retire = retire;
    long period = Math.max(1, policy.idleTtl().toSeconds() / 2);
    janitor.scheduleWithFixedDelay(this::retireIdle, period, period, TimeUnit.SECONDS);
  }

  /**
   * A clean container that served this tenant's jobs of this runtime before, or null. When none
   * is idle but one is being scrubbed (a few milliseconds after its job's result), waits up to
   * MAX_WAIT for it: much cheaper than starting a container, which costs the engine ~0.3 s.
   */
  SandboxContainer take(String tenant, String poolKey, java.time.Duration maxWait) {
    String key = key(tenant, poolKey);
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (true) {
      SandboxContainer container = poll(key);
      if (container != null) {
        return container;
      }
      java.util.concurrent.atomic.AtomicInteger pending = scrubbing.get(key);
      if (closed || pending == null || pending.get() <= 0 || System.nanoTime() >= deadline) {
        return null;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }

  private SandboxContainer poll(String key) {
    ConcurrentLinkedDeque<SandboxContainer> queue = idle.get(key);
    if (queue == null) {
      return null;
    }
    SandboxContainer container;
    while ((container = queue.pollLast()) != null) {
      if (container.alive()) {
        return container;
      }
      retire.accept(container);
    }
    return null;
  }

  /**
   * Shelves the container once SCRUBBED completes (the launcher's "clean" marker), or retires it
   * when that fails or takes longer than the policy allows.
   */
  void putWhenScrubbed(
      String tenant, SandboxContainer container, java.util.concurrent.CompletableFuture<Void> scrubbed) {
    java.util.concurrent.atomic.AtomicInteger pending =
        scrubbing.computeIfAbsent(
            key(tenant, container.poolKey()), k -> new java.util.concurrent.atomic.AtomicInteger());
    pending.incrementAndGet();
    scrubbed
        .orTimeout(policy.cleanTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (clean, error) -> {
              if (error == null) {
                put(tenant, container);
              } else {
                LOG.warn(
                    "sandbox {} did not report itself clean within {} ms ({}); removing it",
                    container.id(), policy.cleanTimeout().toMillis(), error.toString());
                retire.accept(container);
              }
              pending.decrementAndGet();
            });
  }

  /** Keeps a scrubbed container for the tenant's next job, or retires it when full or closed. */
  private void put(String tenant, SandboxContainer container) {
    ConcurrentLinkedDeque<SandboxContainer> queue =
        idle.computeIfAbsent(key(tenant, container.poolKey()), k -> new ConcurrentLinkedDeque<>());
    if (closed
        || !container.alive()
        || container.jobsServed() >= policy.maxJobsPerContainer()
        || queue.size() >= maxIdlePerKey) {
      retire.accept(container);
      return;
    }
    container.markIdle();
    queue.addLast(container);
    if (closed && queue.remove(container)) {
      retire.accept(container);
    }
  }

  private void retireIdle() {
    long ttl = policy.idleTtl().toNanos();
    for (ConcurrentLinkedDeque<SandboxContainer> queue : idle.values()) {
      for (SandboxContainer container : queue) {
        if ((container.idleNanos() >= ttl || !container.alive()) && queue.remove(container)) {
          retire.accept(container);
        }
      }
    }
  }

  private static String key(String tenant, String poolKey) {
    return tenant + "\u0000" + poolKey;
  }

  @Override
  public void close() {
    closed = true;
    janitor.shutdownNow();
    for (ConcurrentLinkedDeque<SandboxContainer> queue : idle.values()) {
      SandboxContainer container;
      while ((container = queue.pollFirst()) != null) {
        retire.accept(container);
      }
    }
  }
}
