package dev.gozo.worker.sandbox.pool;

import dev.gozo.protocol.v1.Runtime;
import dev.gozo.worker.sandbox.DaemonThreads;
import dev.gozo.worker.sandbox.container.ContainerFactory;
import dev.gozo.worker.sandbox.container.ContainerLimits;
import dev.gozo.worker.sandbox.container.SandboxContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers started ahead of time, one queue per runtime, so a job only has to hand its files to a
 * launcher that is already waiting (the create+start happen off the job's path).
 *
 * <p>Every container serves exactly one job and is then removed. A take that finds the queue empty
 * starts a container on the spot (cold start), so the pool is an optimisation, never a dependency.
 * An idle pool costs one sleeping shell per warm container.
 *
 * <p>The engine is the scarce resource: starting a container costs it ~170 ms of CPU and removing
 * one ~40 ms, so on a 2-CPU host it makes about ten per second, and while it works the jobs beside
 * it run slower. So the pool does that work when nothing runs: a runtime's reserve (its configured
 * size plus one per job running) is topped up, and spent containers are removed, one engine call at
 * a time, once no job has run or been taken for {@link #QUIET}. A burst is served from the reserve
 * at full speed; only when a runtime runs low (below a quarter of its reserve) does a take start a
 * replacement at once, and spent containers are removed during a burst only past the caps of {@link
 * SpentContainers}.
 */
public final class WarmPool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);
  // Long enough that a client sending its next request right after a result is not "quiet".
  private static final Duration QUIET = Duration.ofMillis(250);
  private static final Duration TICK = Duration.ofMillis(50);
  // A low runtime that still has a warm container refills this much later, when the job that
  // just took one will most likely be over: engine work slows a running job down.
  private static final Duration LOW_REFILL_DELAY = Duration.ofMillis(100);
  // Starts a busy runtime's takes may have in flight at once: more only slow each other down.
  private static final int MAX_URGENT_STARTS = 2;
  // How long a take waits for a container being started before it starts its own.
  private static final Duration STARTING_WAIT = Duration.ofSeconds(2);
  private static final int MAX_SPENT = 128;
  private static final Duration MAX_SPENT_WAIT = Duration.ofSeconds(60);

  private record Template(Runtime runtime, ContainerLimits limits) {}

  private final ContainerFactory factory;
  private final Duration idleTtl;
  private final ReserveSizing sizing;
  private final QuietTime quietTime = new QuietTime(QUIET, System::nanoTime);
  private final Map<String, Template> templates = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentLinkedDeque<SandboxContainer>> idle =
      new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> starting = new ConcurrentHashMap<>();
  private final SpentContainers<SandboxContainer> spent =
      new SpentContainers<>(MAX_SPENT, MAX_SPENT_WAIT);
  private final AtomicBoolean choreRunning = new AtomicBoolean();
  private final ScheduledExecutorService janitor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sandbox-pool-janitor"));
  private final ExecutorService background =
      Executors.newFixedThreadPool(2, DaemonThreads.named("sandbox-pool"));
  private volatile boolean closed;

  /**
   * @param warmPerRuntime reserve of a runtime that has none of its own (see {@link #keepWarm}),
   *     kept while it is in use; 0 turns the pool off for such runtimes
   * @param maxBusy how far the jobs running raise a reserve (one each), at most
   * @param idleTtl how long a runtime counts as in use after its last job, and how long a container
   *     above the reserve may wait
   */
  public WarmPool(ContainerFactory factory, int warmPerRuntime, int maxBusy, Duration idleTtl) {
    this.factory = factory;
    this.idleTtl = idleTtl;
    this.sizing = new ReserveSizing(warmPerRuntime, maxBusy, idleTtl, System::nanoTime);
    long period = Math.max(1, idleTtl.toSeconds() / 2);
    janitor.scheduleWithFixedDelay(this::trimIdle, period, period, TimeUnit.SECONDS);
    janitor.scheduleWithFixedDelay(
        this::maintain, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A started container for the runtime, warm when one is ready, else started now. */
  public SandboxContainer take(Runtime runtime, ContainerLimits limits) {
    String key = key(runtime);
    templates.putIfAbsent(key, new Template(runtime, limits));
    ConcurrentLinkedDeque<SandboxContainer> queue = queue(key);
    sizing.taken(key);
    quietTime.jobStarted();
    try {
      SandboxContainer container;
      while ((container = queue.pollFirst()) != null) {
        if (container.alive()) {
          refillIfLow(key, queue.size());
          return container;
        }
        discard(container);
      }
      container = awaitStarting(key);
      if (container == null) {
        startReplacement(key);
        container = factory.start(runtime, key, limits);
      }
      return container;
    } catch (RuntimeException e) {
      sizing.ended(key);
      quietTime.jobEnded();
      throw e;
    }
  }

  /** Warm containers ready now, over all runtimes (a gauge for /metrics). */
  public int warmCount() {
    return idle.values().stream().mapToInt(java.util.Collection::size).sum();
  }

  /** Used containers waiting for quiet time to be removed (a gauge for /metrics). */
  public int spentCount() {
    return spent.size();
  }

  /** Whether a warm container of the runtime is ready right now (another take may still win it). */
  public boolean hasWarm(Runtime runtime) {
    ConcurrentLinkedDeque<SandboxContainer> queue = idle.get(key(runtime));
    return queue != null && !queue.isEmpty();
  }

  /**
   * The job of a container this pool handed out has ended (demand sizing, quiet time). The caller
   * then removes the container with {@link #discardSoon}, or keeps it for its tenant in recycling
   * mode.
   */
  public void jobEnded(SandboxContainer container) {
    sizing.ended(container.poolKey());
    quietTime.jobEnded();
  }

  /**
   * A job runs in a container that is not the pool's (a recycled one): the pool counts it so that
   * its engine work waits for quiet all the same. Pair with {@link #otherJobEnded}.
   */
  public void otherJobStarted() {
    quietTime.jobStarted();
  }

  public void otherJobEnded() {
    quietTime.jobEnded();
  }

  /**
   * Keeps {@code reserve} warm containers of the runtime at all times, so that its first jobs, and
   * bursts of up to that many, do not wait for the engine.
   */
  public void keepWarm(Runtime runtime, ContainerLimits limits, int reserve) {
    String key = key(runtime);
    templates.put(key, new Template(runtime, limits));
    sizing.keepWarm(key, reserve);
    // The rest of the reserve follows in quiet time, one container at a time.
    refill(key, sizing.lowWater(key));
  }

  /**
   * One replacement per take while the runtime is low, so that replacements follow demand and at
   * most {@link #MAX_URGENT_STARTS} compete with the jobs for the engine at once.
   */
  private void refillIfLow(String key, int left) {
    if (left >= sizing.lowWater(key)) {
      return; // topped up in quiet time
    }
    if (left == 0) {
      startReplacement(key);
      return;
    }
    try {
      janitor.schedule(
          () -> startReplacement(key), LOW_REFILL_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing: no refill
    }
  }

  private void startReplacement(String key) {
    Template template = templates.get(key);
    if (closed
        || template == null
        || sizing.target(key) == 0
        || inFlight(key).get() >= MAX_URGENT_STARTS) {
      return;
    }
    startInBackground(key, template, () -> {});
  }

  /**
   * With no warm container but some being started, waits for the first of them: it is further along
   * than one this job would start now, and starting another would only slow both down.
   */
  private SandboxContainer awaitStarting(String key) {
    long deadline = System.nanoTime() + STARTING_WAIT.toNanos();
    ConcurrentLinkedDeque<SandboxContainer> queue = queue(key);
    synchronized (queue) {
      while (inFlight(key).get() > 0 && !closed) {
        SandboxContainer container = queue.pollFirst();
        if (container != null) {
          if (container.alive()) {
            return container;
          }
          discard(container);
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        try {
          queue.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }
    return queue.pollFirst();
  }

  /**
   * Starts containers in the background until the runtime has {@code upTo} (at most its target).
   */
  private void refill(String key, int upTo) {
    Template template = templates.get(key);
    if (closed || template == null) {
      return;
    }
    AtomicInteger inFlight = inFlight(key);
    int wanted = Math.min(upTo, sizing.target(key));
    while (queue(key).size() + inFlight.get() < wanted) {
      startInBackground(key, template, () -> {});
    }
  }

  private void startInBackground(String key, Template template, Runnable done) {
    AtomicInteger inFlight = inFlight(key);
    inFlight.incrementAndGet();
    try {
      background.execute(
          () -> {
            try {
              if (!closed) {
                queue(key).addLast(factory.start(template.runtime(), key, template.limits()));
              }
            } catch (RuntimeException e) {
              LOG.warn(
                  "could not warm a {} sandbox: {}",
                  template.runtime().getLanguage(),
                  e.toString());
            } finally {
              inFlight.decrementAndGet();
              ConcurrentLinkedDeque<SandboxContainer> queue = queue(key);
              synchronized (queue) {
                queue.notifyAll(); // a take may be waiting for this start (awaitStarting)
              }
              done.run();
            }
            if (closed) {
              drain();
            }
          });
    } catch (RejectedExecutionException e) {
      // The pool is closing: no refill is wanted any more, only the bookkeeping.
      inFlight.decrementAndGet();
      done.run();
    }
  }

  /**
   * Every {@link #TICK}: removes spent containers past their caps, then, if the pool is quiet and
   * no chore is under way, does one: start a container for a runtime below its reserve, or remove
   * one spent container.
   */
  private void maintain() {
    try {
      for (SandboxContainer overdue : spent.overdue(System.nanoTime())) {
        discard(overdue);
      }
      if (closed || choreRunning.get() || !quietTime.quiet()) {
        return;
      }
      for (Map.Entry<String, Template> entry : templates.entrySet()) {
        String key = entry.getKey();
        if (queue(key).size() + inFlight(key).get() < sizing.target(key)) {
          choreRunning.set(true);
          startInBackground(key, entry.getValue(), () -> choreRunning.set(false));
          return;
        }
      }
      SandboxContainer next = spent.next();
      if (next != null) {
        choreRunning.set(true);
        discard(next, () -> choreRunning.set(false));
      }
    } catch (RuntimeException e) {
      // a scheduled task that throws is never run again: log and go on
      choreRunning.set(false);
      LOG.warn("warm pool maintenance failed: {}", e.toString());
    }
  }

  /** Removes containers that waited longer than idleTtl while the pool is above its target. */
  private void trimIdle() {
    for (Map.Entry<String, ConcurrentLinkedDeque<SandboxContainer>> entry : idle.entrySet()) {
      ConcurrentLinkedDeque<SandboxContainer> queue = entry.getValue();
      int target = sizing.target(entry.getKey());
      while (queue.size() > target) {
        SandboxContainer oldest = queue.peekFirst();
        if (oldest == null || oldest.ageNanos() < idleTtl.toNanos() || !queue.remove(oldest)) {
          break;
        }
        discard(oldest);
      }
    }
  }

  /**
   * Removes a used container in quiet time (see the class comment). Its launcher has killed the
   * job's processes and emptied its writable places, or the container has exited.
   */
  public void discardSoon(SandboxContainer container) {
    if (closed) {
      discard(container);
      return;
    }
    for (SandboxContainer overflow : spent.add(container, System.nanoTime())) {
      discard(overflow);
    }
  }

  /** Removes a used or broken container in the background. */
  public void discard(SandboxContainer container) {
    discard(container, () -> {});
  }

  private void discard(SandboxContainer container, Runnable done) {
    container.detach();
    try {
      background.execute(
          () -> {
            try {
              factory.remove(container.id());
            } finally {
              done.run();
            }
          });
    } catch (RejectedExecutionException e) {
      // The pool is closing and its executor refuses work: remove the container on this thread.
      try {
        factory.remove(container.id());
      } finally {
        done.run();
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    janitor.shutdownNow();
    for (SandboxContainer container : spent.drain()) {
      discard(container);
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
    idle.values()
        .forEach(
            queue -> {
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

  private AtomicInteger inFlight(String key) {
    return starting.computeIfAbsent(key, k -> new AtomicInteger());
  }

  public static String key(Runtime runtime) {
    return runtime.getLanguage() + "@" + runtime.getVersion();
  }
}
