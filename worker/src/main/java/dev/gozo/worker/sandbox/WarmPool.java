package dev.gozo.worker.sandbox;

import dev.gozo.protocol.v1.Runtime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers started ahead of time, one queue per runtime, so a job only has to hand its files to
 * a launcher that is already waiting (the ~230 ms of create+start happen off the job's path).
 *
 * <p>Every container serves exactly one job and is then removed. Refills and removals run on a
 * small background executor; a take that finds the queue empty starts a container on the spot
 * (cold start), so the pool is an optimisation, never a dependency. An idle pool costs one
 * sleeping shell per warm container.
 */
final class WarmPool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

  private final ContainerFactory factory;
  private final int warmPerRuntime;
  private final int maxWarm;
  private final java.time.Duration idleTtl;
  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  private final Map<String, Long> lastTakeNanos = new ConcurrentHashMap<>();
  private final java.util.Set<String> alwaysWarm = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.ScheduledExecutorService janitor =
      Executors.newSingleThreadScheduledExecutor(
          DaemonThreads.named("sandbox-pool-janitor"));
  private final Map<String, ConcurrentLinkedDeque<SandboxContainer>> idle =
      new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> starting = new ConcurrentHashMap<>();
  private final ExecutorService background =
      Executors.newFixedThreadPool(
          2,
          DaemonThreads.named("sandbox-pool"));
  private volatile boolean closed;
  private static final java.time.Duration REMOVAL_DELAY = java.time.Duration.ofMillis(100);
  private final java.util.Set<SandboxContainer> retiring = ConcurrentHashMap.newKeySet();

  WarmPool(ContainerFactory factory, int warmPerRuntime, int maxWarm, java.time.Duration idleTtl) {
    this.factory = factory;
    this.warmPerRuntime = warmPerRuntime;
    this.maxWarm = Math.max(warmPerRuntime, maxWarm);
    this.idleTtl = idleTtl;
    long period = Math.max(1, idleTtl.toSeconds() / 2);
    janitor.scheduleWithFixedDelay(this::trimIdle, period, period, TimeUnit.SECONDS);
  }

  /** A started container for the runtime, warm when one is ready, else started now. */
  SandboxContainer take(Runtime runtime, ContainerLimits limits) {
    String key = key(runtime);
    ConcurrentLinkedDeque<SandboxContainer> queue = queue(key);
    lastTakeNanos.put(key, System.nanoTime());
    AtomicInteger busy = running.computeIfAbsent(key, k -> new AtomicInteger());
    busy.incrementAndGet();
    try {
      SandboxContainer container;
      while ((container = queue.pollFirst()) != null) {
        if (container.alive()) {
          refillAfterTake(runtime, limits, !queue.isEmpty());
          return container;
        }
        discard(container);
      }
      refill(runtime, limits);
      return factory.start(runtime, key, limits);
    } catch (RuntimeException e) {
      busy.decrementAndGet();
      throw e;
    }
  }

  /** Whether a warm container of the runtime is ready right now (another take may still win it). */
  boolean hasWarm(Runtime runtime) {
    ConcurrentLinkedDeque<SandboxContainer> queue = idle.get(key(runtime));
    return queue != null && !queue.isEmpty();
  }

  /**
   * The job of a container this pool handed out has ended (demand sizing). The caller then removes
   * the container with {@link #discard}, or keeps it for its tenant in recycling mode.
   */
  void jobEnded(SandboxContainer container) {
    AtomicInteger busy = running.get(container.poolKey());
    if (busy != null) {
      busy.decrementAndGet();
    }
  }

  /**
   * Tops the pool up after a take. While another warm container is still waiting, the refill
   * starts {@link #REMOVAL_DELAY} later, after the job that just started will most likely have
   * finished: starting a container keeps the engine busy on both CPUs of a small machine for a
   * few hundred milliseconds, which would slow the job down. An empty pool refills at once.
   */
  private void refillAfterTake(Runtime runtime, ContainerLimits limits, boolean stillWarm) {
    if (!stillWarm) {
      refill(runtime, limits);
      return;
    }
    try {
      janitor.schedule(() -> refill(runtime, limits), REMOVAL_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: no refill
    }
  }

  /** Keeps this runtime warm even when nobody used it lately (configured languages). */
  void keepWarm(Runtime runtime, ContainerLimits limits) {
    alwaysWarm.add(key(runtime));
    refill(runtime, limits);
  }

  private int target(String key) {
    AtomicInteger busy = running.get(key);
    Long lastTake = lastTakeNanos.get(key);
    boolean wanted =
        alwaysWarm.contains(key)
            || lastTake != null && System.nanoTime() - lastTake < idleTtl.toNanos();
    int base = wanted ? warmPerRuntime : 0;
    return Math.min(maxWarm, base + (busy == null ? 0 : Math.max(0, busy.get())));
  }

  /** Removes containers that waited longer than idleTtl while the pool is above its base size. */
  private void trimIdle() {
    for (Map.Entry<String, ConcurrentLinkedDeque<SandboxContainer>> entry : idle.entrySet()) {
      ConcurrentLinkedDeque<SandboxContainer> queue = entry.getValue();
      int target = target(entry.getKey());
      while (queue.size() > target) {
        SandboxContainer oldest = queue.peekFirst();
        if (oldest == null || oldest.ageNanos() < idleTtl.toNanos() || !queue.remove(oldest)) {
          break;
        }
        discard(oldest);
      }
    }
  }

  /** Starts warm containers for a runtime in the background up to the configured count. */
  void refill(Runtime runtime, ContainerLimits limits) {
    if (closed || warmPerRuntime <= 0) {
      return;
    }
    String key = key(runtime);
    AtomicInteger inFlight = starting.computeIfAbsent(key, k -> new AtomicInteger());
    while (queue(key).size() + inFlight.get() < target(key)) {
      inFlight.incrementAndGet();
      background.execute(
          () -> {
            try {
              if (!closed) {
                queue(key).addLast(factory.start(runtime, key, limits));
              }
            } catch (RuntimeException e) {
              LOG.warn("could not warm a {} sandbox: {}", runtime.getLanguage(), e.toString());
            } finally {
              inFlight.decrementAndGet();
            }
            if (closed) {
              drain();
            }
          });
    }
  }

  /**
   * Removes a used container after {@link #REMOVAL_DELAY}, by which time its job's result is
   * published: the engine's teardown work then does not compete with the job's last steps on a
   * small machine. A lingering launcher has already killed the job's processes.
   */
  void discardSoon(SandboxContainer container) {
    retiring.add(container);
    try {
      janitor.schedule(
          () -> {
            if (retiring.remove(container)) {
              discard(container);
            }
          },
          REMOVAL_DELAY.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      retiring.remove(container);
      discard(container);
    }
  }

  /** Removes a used or broken container in the background. */
  void discard(SandboxContainer container) {
    container.detach();
    try {
      background.execute(() -> factory.remove(container.id()));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      factory.remove(container.id());
    }
  }

  /** Removes a container now, on the caller's thread. */
  void removeNow(SandboxContainer container) {
    container.detach();
    factory.remove(container.id());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    janitor.shutdownNow();
    for (SandboxContainer container : retiring) {
      if (retiring.remove(container)) {
        discard(container);
      }
    }
    drain();
    background.shutdown();
    try {
      if (!background.awaitTermination(20, TimeUnit.SECONDS)) {
        background.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drain();
  }

  private void drain() {
    List<SandboxContainer> all = new ArrayList<>();
    idle.values().forEach(queue -> {
      SandboxContainer c;
      while ((c = queue.pollFirst()) != null) {
        all.add(c);
      }
    });
    for (SandboxContainer container : all) {
      container.detach();
      factory.remove(container.id());
    }
  }

  private ConcurrentLinkedDeque<SandboxContainer> queue(String key) {
    return idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
  }

  static String key(Runtime runtime) {
    return runtime.getLanguage() + "@" + runtime.getVersion();
  }
}
