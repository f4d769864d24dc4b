package dev.gozo.worker.sandbox.recycling;

import dev.gozo.worker.sandbox.DaemonThreads;
import dev.gozo.worker.sandbox.container.SandboxContainer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Used, scrubbed containers waiting for the next job of the same tenant and runtime (recycling
 * mode). Keys never mix tenants, so one tenant's container can never serve another's job. Idle
 * containers leave after the policy's TTL; {@code retire} removes them.
 */
public final class RecycleShelf implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RecycleShelf.class);

  private final RecyclePolicy policy;
  private final int maxIdlePerKey;
  private final Consumer<SandboxContainer> retire;
  private final Map<String, Compartment> compartments = new ConcurrentHashMap<>();
  private final ScheduledExecutorService janitor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sandbox-recycle-janitor"));
  private volatile boolean closed;

  public RecycleShelf(RecyclePolicy policy, int maxIdlePerKey, Consumer<SandboxContainer> retire) {
    this.policy = policy;
    this.maxIdlePerKey = maxIdlePerKey;
    this.retire = retire;
    long period = Math.max(1, policy.idleTtl().toSeconds() / 2);
    janitor.scheduleWithFixedDelay(this::retireIdle, period, period, TimeUnit.SECONDS);
  }

  /**
   * A clean container that served this tenant's jobs of this runtime before, or null. When none is
   * idle but one is being scrubbed (a few milliseconds after its job's result), waits up to maxWait
   * for it: much cheaper than starting a container, which costs the engine ~0.3 s.
   */
  public SandboxContainer take(String tenant, String poolKey, Duration maxWait) {
    Compartment compartment = compartments.get(key(tenant, poolKey));
    if (compartment == null || closed) {
      return null;
    }
    List<SandboxContainer> dead = new ArrayList<>();
    try {
      return compartment.take(System.nanoTime() + maxWait.toNanos(), dead);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      dead.forEach(retire);
    }
  }

  /** How many of this tenant's containers of this runtime are scrubbed and idle right now. */
  public int idleCount(String tenant, String poolKey) {
    Compartment compartment = compartments.get(key(tenant, poolKey));
    return compartment == null ? 0 : compartment.idleCount();
  }

  /**
   * Shelves the container once {@code scrubbed} completes (the launcher's "clean" marker), or
   * retires it when that fails or takes longer than the policy allows.
   */
  public void putWhenScrubbed(
      String tenant, SandboxContainer container, CompletableFuture<Void> scrubbed) {
    Compartment compartment =
        compartments.computeIfAbsent(key(tenant, container.poolKey()), k -> new Compartment());
    compartment.scrubStarted();
    scrubbed
        .orTimeout(policy.cleanTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (clean, error) -> {
              if (error != null) {
                LOG.warn(
                    "sandbox {} was not reported clean (limit {} ms): {}; removing it",
                    container.id(),
                    policy.cleanTimeout().toMillis(),
                    error.toString());
              }
              boolean reusable = error == null && !closed && mayServeAgain(container);
              if (!compartment.scrubEnded(reusable ? container : null, maxIdlePerKey)) {
                retire.accept(container);
              }
            });
  }

  private boolean mayServeAgain(SandboxContainer container) {
    return container.alive() && container.jobsServed() < policy.maxJobsPerContainer();
  }

  private void retireIdle() {
    long ttl = policy.idleTtl().toNanos();
    compartments.values().forEach(compartment -> compartment.removeIdle(ttl).forEach(retire));
  }

  private static String key(String tenant, String poolKey) {
    return tenant + "\u0000" + poolKey;
  }

  @Override
  public void close() {
    closed = true;
    janitor.shutdownNow();
    compartments.values().forEach(compartment -> compartment.close().forEach(retire));
  }

  /**
   * One tenant's containers of one runtime: the idle ones, and how many are being scrubbed. A take
   * that waits for a scrub is woken when it ends, whichever way it ends.
   */
  private static final class Compartment {

    private final ArrayDeque<SandboxContainer> idle = new ArrayDeque<>();
    private int scrubbing;
    private boolean closed;

    synchronized int idleCount() {
      return idle.size();
    }

    synchronized void scrubStarted() {
      scrubbing++;
    }

    /**
     * The scrub of a container ended; the container, if given, is shelved unless the compartment is
     * full or closed. Returns whether it was shelved.
     */
    synchronized boolean scrubEnded(SandboxContainer cleanOrNull, int maxIdle) {
      scrubbing--;
      notifyAll();
      if (cleanOrNull == null || closed || idle.size() >= maxIdle) {
        return false;
      }
      cleanOrNull.markIdle();
      idle.addLast(cleanOrNull);
      return true;
    }

    /** The most recently used live container, waiting for a scrub in progress until deadline. */
    synchronized SandboxContainer take(long deadlineNanos, List<SandboxContainer> dead)
        throws InterruptedException {
      while (true) {
        SandboxContainer container;
        while ((container = idle.pollLast()) != null) {
          if (container.alive()) {
            return container;
          }
          dead.add(container);
        }
        long left = deadlineNanos - System.nanoTime();
        if (closed || scrubbing <= 0 || left <= 0) {
          return null;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    synchronized List<SandboxContainer> removeIdle(long ttlNanos) {
      List<SandboxContainer> removed = new ArrayList<>();
      idle.removeIf(
          container -> {
            boolean stale = container.idleNanos() >= ttlNanos || !container.alive();
            if (stale) {
              removed.add(container);
            }
            return stale;
          });
      return removed;
    }

    synchronized List<SandboxContainer> close() {
      closed = true;
      notifyAll();
      List<SandboxContainer> all = new ArrayList<>(idle);
      idle.clear();
      return all;
    }
  }
}
