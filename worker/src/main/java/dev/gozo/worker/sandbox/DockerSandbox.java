package dev.gozo.worker.sandbox;

import dev.gozo.jobspec.EffectiveLimits;
import dev.gozo.protocol.v1.Runtime;
import dev.gozo.worker.engine.ContainerEngine;
import dev.gozo.worker.sandbox.container.ContainerFactory;
import dev.gozo.worker.sandbox.container.ContainerLimits;
import dev.gozo.worker.sandbox.container.ResourceMeter;
import dev.gozo.worker.sandbox.container.SandboxContainer;
import dev.gozo.worker.sandbox.ownership.Orphans;
import dev.gozo.worker.sandbox.pool.WarmPool;
import dev.gozo.worker.sandbox.recycling.RecyclePolicy;
import dev.gozo.worker.sandbox.recycling.RecycleShelf;
import dev.gozo.worker.sandbox.run.AfterExit;
import dev.gozo.worker.sandbox.run.JobRun;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Sandbox} backed by Docker. Each job gets its own container from the {@link WarmPool}
 * and the container is removed afterwards, whatever happened. A Resilience4j circuit breaker
 * watches the engine: while it is open no container is requested and jobs come back as {@link
 * Outcome.Unavailable}, which the intake hands back to Kafka instead of failing them.
 */
public final class DockerSandbox implements Sandbox {

  private static final Logger LOG = LoggerFactory.getLogger(DockerSandbox.class);
  // How long a recycling tenant's job waits for one of its containers that is being scrubbed.
  private static final Duration RECYCLED_WAIT = Duration.ofMillis(500);
  // How long a runtime counts as in use after its last job (its warm containers stay that long).
  private static final Duration POOL_IDLE_TTL = Duration.ofMinutes(2);
  // The breaker judges the engine by its last few calls, at least a handful, so one failed call
  // among many does not open it and three failures in a row do.
  private static final int BREAKER_WINDOW_CALLS = 5;
  private static final int BREAKER_MIN_CALLS = 3;
  private static final float BREAKER_FAILURE_PERCENT = 60;
  // Long enough for a restarting engine to come back, short enough that jobs do not pile up.
  private static final Duration BREAKER_OPEN_FOR = Duration.ofSeconds(5);
  // How long a stop waits until the engine lists none of this worker's sandboxes any more.
  private static final Duration STOP_CLEANUP_TIMEOUT = Duration.ofSeconds(15);

  private final ContainerEngine containers;
  private final SandboxSettings settings;
  private final ContainerFactory factory;
  private final WarmPool pool;
  private final RecyclePolicy recycling;
  private final RecycleShelf shelf;
  private final CircuitBreaker engine;
  private final java.util.Set<SandboxContainer> inUse =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private volatile boolean aborting;

  public DockerSandbox(ContainerEngine containers, SandboxSettings settings) {
    this(containers, settings, RecyclePolicy.none());
  }

  public DockerSandbox(
      ContainerEngine containers, SandboxSettings settings, RecyclePolicy recycling) {
    this.containers = containers;
    this.settings = settings;
    this.factory = new ContainerFactory(containers, settings);
    this.pool =
        new WarmPool(
            factory, settings.warmPerRuntime(), settings.maxWarmPerRuntime(), POOL_IDLE_TTL);
    this.recycling = recycling;
    // Twice the jobs that can run at once: while some of a tenant's containers are being
    // scrubbed, others are clean and waiting.
    this.shelf = new RecycleShelf(recycling, 2 * settings.maxWarmPerRuntime(), pool::discard);
    this.engine =
        CircuitBreaker.of(
            "docker-engine",
            CircuitBreakerConfig.custom()
                .slidingWindowSize(BREAKER_WINDOW_CALLS)
                .minimumNumberOfCalls(BREAKER_MIN_CALLS)
                .failureRateThreshold(BREAKER_FAILURE_PERCENT)
                .waitDurationInOpenState(BREAKER_OPEN_FOR)
                // one probe at a time: a ping, see available()
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(DockerSandbox::isEngineFailure)
                .build());
    engine
        .getEventPublisher()
        .onStateTransition(
            event -> LOG.warn("Docker engine circuit breaker: {}", event.getStateTransition()));
  }

  /**
   * Keeps warm containers for the given runtimes at all times (the count is each one's reserve), so
   * their first jobs, and bursts of up to that many jobs, do not wait for the engine. Other
   * runtimes get warm containers once they are used, for as long as they are used.
   */
  public void warmUp(java.util.Map<Runtime, Integer> reserves) {
    reserves.forEach((runtime, reserve) -> pool.keepWarm(runtime, defaultLimits(runtime), reserve));
  }

  /**
   * Whether to take a job now. False while the engine's circuit breaker is open. When it is half
   * open, a ping (not a job) probes the engine, so an outage costs no job a delivery attempt beyond
   * those already in hand when it began.
   */
  public boolean available() {
    if (closed) {
      return false;
    }
    CircuitBreaker.State state = engine.getState();
    if (state == CircuitBreaker.State.CLOSED) {
      return true;
    }
    if (state != CircuitBreaker.State.HALF_OPEN) {
      return false;
    }
    try {
      engine.executeRunnable(() -> containers.ping());
      return true;
    } catch (RuntimeException e) {
      // The probe failed: the breaker (which recorded it) stays open; say so once per probe.
      LOG.warn("the Docker engine is still unreachable: {}", e.toString());
      return false;
    }
  }

  /** Where the duration of every container start (warm or cold) is reported. */
  public void reportContainerStartsTo(java.util.function.Consumer<Duration> listener) {
    factory.reportStartTimesTo(listener);
  }

  /** Warm containers ready now, over all runtimes. */
  public int warmContainers() {
    return pool.warmCount();
  }

  /** Used containers waiting to be removed in quiet time. */
  public int spentContainers() {
    return pool.spentCount();
  }

  /** Whether the engine's circuit breaker is open (jobs are handed back, not run). */
  public boolean engineCircuitOpen() {
    return engine.getState() == CircuitBreaker.State.OPEN
        || engine.getState() == CircuitBreaker.State.FORCED_OPEN;
  }

  /**
   * Whether the engine answers a ping within {@code timeout}, for the health endpoint; unlike
   * {@link #available()} it asks the engine even while the circuit is closed.
   */
  public boolean engineAnswers(Duration timeout) {
    try {
      java.util.concurrent.CompletableFuture.runAsync(() -> containers.ping())
          .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("the Docker engine did not answer a health ping: {}", e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public Outcome run(SandboxJob job, LiveSession live) {
    return run(job, live, null);
  }

  @Override
  public Sandbox.Series series() {
    return new ContainerSeries();
  }

  /**
   * Runs a job; in a {@code series}, in the series' scrubbed container of the runtime when it has
   * one, and the container is kept for the series' next run once its launcher reports it clean.
   */
  private Outcome run(SandboxJob job, LiveSession live, ContainerSeries series) {
    if (closed) {
      return new Outcome.Unavailable("the worker is shutting down");
    }
    boolean recycle = series != null || recycling.allows(job.tenant());
    SandboxContainer container =
        series != null ? series.take(job) : recycle ? reusableContainer(job) : null;
    boolean fromPool = container == null;
    if (fromPool) {
      Taken taken = takeFromPool(job);
      if (taken.failure() != null) {
        return taken.failure();
      }
      container = taken.container();
    } else {
      pool.otherJobStarted();
    }
    // A launcher that stays up after the program needs the cgroup's own OOM count: without it
    // an OOM kill could not be told from another SIGKILL (Docker reports it only at the exit).
    boolean metered = container.meter() != ResourceMeter.NONE;
    // An interactive program consumed its stdin live: its container never serves another job.
    recycle = recycle && metered && !live.interactive();
    AfterExit afterExit = recycle ? AfterExit.RECYCLE : metered ? AfterExit.LINGER : AfterExit.EXIT;
    inUse.add(container);
    JobRun run = new JobRun(containers, container, job, settings, afterExit, live);
    Outcome outcome = null;
    try {
      outcome = run.execute();
      return aborting
          ? new Outcome.Unavailable("the worker stopped before the job finished")
          : outcome;
    } catch (RuntimeException e) {
      if (aborting) {
        return new Outcome.Unavailable("the worker stopped before the job finished");
      }
      if (isEngineFailure(e)) {
        engine.onError(0, java.util.concurrent.TimeUnit.MILLISECONDS, e);
      }
      return failure(job, e);
    } finally {
      inUse.remove(container);
      container.jobEnded();
      if (fromPool) {
        pool.jobEnded(container);
      } else {
        pool.otherJobEnded();
      }
      if (recycle
          && !aborting
          && !closed
          && outcome != null
          && RecyclePolicy.mayReuseAfter(outcome)) {
        if (series != null) {
          series.keepWhenScrubbed(container, run.cleaned());
        } else {
          // The result does not wait for the scrub; the container is shelved once it is clean.
          shelf.putWhenScrubbed(job.tenant(), container, run.cleaned());
        }
      } else {
        pool.discardSoon(container);
      }
    }
  }

  @Override
  public Preparation prepare(SandboxJob job, LiveSession live) {
    if (!job.compiled()) {
      return new Preparation.Compiled(null, null);
    }
    if (closed) {
      return new Preparation.Ended(new Outcome.Unavailable("the worker is shutting down"));
    }
    Taken taken = takeFromPool(job);
    if (taken.failure() != null) {
      return new Preparation.Ended(taken.failure());
    }
    SandboxContainer container = taken.container();
    inUse.add(container);
    // The launcher exits after packing: the container serves no other job.
    JobRun run = new JobRun(containers, container, job, settings, AfterExit.EXIT, live);
    try {
      Preparation prepared = run.prepare();
      return aborting
          ? new Preparation.Ended(
              new Outcome.Unavailable("the worker stopped before the job compiled"))
          : prepared;
    } catch (RuntimeException e) {
      if (aborting) {
        return new Preparation.Ended(
            new Outcome.Unavailable("the worker stopped before the job compiled"));
      }
      if (isEngineFailure(e)) {
        engine.onError(0, java.util.concurrent.TimeUnit.MILLISECONDS, e);
      }
      return new Preparation.Ended(failure(job, e));
    } finally {
      inUse.remove(container);
      container.jobEnded();
      pool.jobEnded(container);
      pool.discardSoon(container);
    }
  }

  /**
   * The containers one job's runs share (see {@link Sandbox#series()}), one per runtime, each kept
   * only after its launcher reported it clean: every process killed, every writable place empty.
   * Used by one thread, the job's.
   */
  private final class ContainerSeries implements Sandbox.Series {

    // A scrub is a kill of the leftovers and an rm of a few files: milliseconds, unless a run
    // left much behind; a container that takes longer is not worth waiting for.
    private static final Duration SCRUB_WAIT = Duration.ofSeconds(2);

    private final java.util.Map<String, SandboxContainer> kept = new java.util.HashMap<>();

    @Override
    public Outcome run(SandboxJob job, LiveSession live) {
      return DockerSandbox.this.run(job, live, this);
    }

    SandboxContainer take(SandboxJob job) {
      SandboxContainer container = kept.remove(WarmPool.key(job.runtime()));
      return container != null && container.alive() ? container : null;
    }

    void keepWhenScrubbed(SandboxContainer container, CompletableFuture<Void> scrubbed) {
      boolean clean;
      try {
        scrubbed.get(SCRUB_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        clean = container.alive();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        clean = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        clean = false;
      }
      SandboxContainer previous = clean ? kept.put(container.poolKey(), container) : container;
      if (previous != null) {
        pool.discardSoon(previous);
      }
    }

    @Override
    public void close() {
      kept.values().forEach(pool::discardSoon);
      kept.clear();
    }
  }

  /** A container from the pool, or the outcome that the job gets instead. */
  private record Taken(SandboxContainer container, Outcome failure) {}

  private Taken takeFromPool(SandboxJob job) {
    try {
      return new Taken(
          engine.executeSupplier(() -> pool.take(job.runtime(), defaultLimits(job.runtime()))),
          null);
    } catch (CallNotPermittedException e) {
      return new Taken(
          null, new Outcome.Unavailable("the Docker engine is unavailable (circuit open)"));
    } catch (ContainerEngine.NotFound e) {
      return new Taken(
          null,
          new Outcome.InternalError(
              "runtime image " + job.runtime().getImage() + " is not installed on this worker"));
    } catch (RuntimeException e) {
      return new Taken(null, failure(job, e));
    }
  }

  /**
   * For a tenant in recycling mode: one of its scrubbed containers when one is idle. Otherwise a
   * warm container from the pool, if one is ready, is better than waiting for a scrub: the tenant's
   * set of containers grows until a clean one is ready whenever a job arrives (with as many
   * containers as jobs running, every job waited for the previous one's scrub). Only with no warm
   * container either does the job wait for a scrub in progress (null: take from the pool).
   */
  private SandboxContainer reusableContainer(SandboxJob job) {
    String poolKey = WarmPool.key(job.runtime());
    SandboxContainer idle = shelf.take(job.tenant(), poolKey, Duration.ZERO);
    if (idle != null || pool.hasWarm(job.runtime())) {
      return idle;
    }
    return shelf.take(job.tenant(), poolKey, RECYCLED_WAIT);
  }

  /** How many of the tenant's scrubbed containers of the runtime wait for its next job. */
  int recycledIdle(String tenant, Runtime runtime) {
    return shelf.idleCount(tenant, WarmPool.key(runtime));
  }

  /**
   * Kills every running job's container: used when a graceful stop runs out of time. The jobs come
   * back as {@link Outcome.Unavailable} so their records are released, not failed.
   */
  public void abortRunning() {
    aborting = true;
    for (SandboxContainer container : inUse) {
      try {
        containers.kill(container.id());
      } catch (RuntimeException e) {
        // the engine is away: the job's own thread sees its run fail and reports it unavailable
      }
    }
  }

  private Outcome failure(SandboxJob job, RuntimeException e) {
    if (Thread.currentThread().isInterrupted() || causedByInterrupt(e)) {
      // The worker interrupted the job's thread (it is stopping) during an engine call: no
      // verdict against the program, the record goes back for another run.
      LOG.warn("job {}: interrupted during an engine call; handing it back", job.jobId(), e);
      return new Outcome.Unavailable("the worker was interrupted while the job ran");
    }
    if (isEngineFailure(e)) {
      LOG.warn("job {}: Docker engine failure", job.jobId(), e);
      return new Outcome.Unavailable("the Docker engine failed: " + e.getMessage());
    }
    LOG.error("job {}: sandbox failure", job.jobId(), e);
    return new Outcome.InternalError("the sandbox failed: " + e.getMessage());
  }

  private static boolean causedByInterrupt(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException) {
        return true;
      }
    }
    return false;
  }

  /** Connection-level trouble means the engine is away; anything else is about this job. */
  static boolean isEngineFailure(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
      if (t instanceof ContainerEngine.EngineFailure) {
        return true;
      }
    }
    return false;
  }

  public static ContainerLimits defaultLimits(Runtime runtime) {
    EffectiveLimits run =
        EffectiveLimits.resolve(
            dev.gozo.protocol.v1.Limits.getDefaultInstance(),
            runtime.getRunLimits(),
            runtime.getRunLimits());
    if (runtime.getCompileCommand().isBlank()) {
      return ContainerLimits.of(run);
    }
    // Compiled languages start with the compile step, so warm them with its limits.
    return ContainerLimits.of(
        EffectiveLimits.resolve(
            dev.gozo.protocol.v1.Limits.getDefaultInstance(),
            runtime.getCompileLimits(),
            runtime.getCompileLimits()));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    shelf.close();
    pool.close();
    try {
      Orphans.removeAllOwnedBy(containers, settings.ownerId(), STOP_CLEANUP_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.warn(
          "could not check for sandboxes left at stop (Docker unreachable?): {}", e.toString());
    }
  }
}
