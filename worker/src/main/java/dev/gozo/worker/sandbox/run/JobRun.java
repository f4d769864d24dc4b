package dev.gozo.worker.sandbox.run;

import dev.gozo.jobspec.EffectiveLimits;
import dev.gozo.worker.engine.ContainerEngine;
import dev.gozo.worker.engine.ContainerState;
import dev.gozo.worker.sandbox.LiveSession;
import dev.gozo.worker.sandbox.Outcome;
import dev.gozo.worker.sandbox.Preparation;
import dev.gozo.worker.sandbox.SandboxJob;
import dev.gozo.worker.sandbox.SandboxSettings;
import dev.gozo.worker.sandbox.StepReport;
import dev.gozo.worker.sandbox.StepReport.LimitHit;
import dev.gozo.worker.sandbox.container.ContainerLimits;
import dev.gozo.worker.sandbox.container.SandboxContainer;
import dev.gozo.worker.sandbox.verdicts.ContainerExit;
import dev.gozo.worker.sandbox.verdicts.Verdicts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Drives one job through one container: send the payload, watch the compile step, tighten the
 * limits, release the run step, watch it, and read how it ended. The job's thread does the
 * watching: every {@code meterInterval} it compares wall time and the cgroup's CPU time (all
 * processes and threads of the container) with the step's limits, and kills the container when one
 * is crossed. Output limits are detected while the output streams in.
 *
 * <p>The job's {@link LiveSession} hears of each step as it starts and of the output as it arrives;
 * a cancel from it kills the container at once, and for an interactive run it feeds the program's
 * stdin and signals and sets an idle limit next to the others.
 */
public final class JobRun {

  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(10);
  // Packing a compiled working directory is a tar and a base64 of at most 48 MiB.
  private static final Duration PACK_TIMEOUT = Duration.ofSeconds(30);

  private final ContainerEngine engine;
  private final SandboxContainer container;
  private final SandboxJob job;
  private final SandboxSettings settings;
  private final AfterExit afterExit;
  private final LaunchPayload payload;
  private final OutputCapture capture;
  private final LiveSession live;

  JobRun(
      ContainerEngine engine,
      SandboxContainer container,
      SandboxJob job,
      SandboxSettings settings,
      AfterExit afterExit) {
    this(engine, container, job, settings, afterExit, LiveSession.NONE);
  }

  public JobRun(
      ContainerEngine engine,
      SandboxContainer container,
      SandboxJob job,
      SandboxSettings settings,
      AfterExit afterExit,
      LiveSession live) {
    this.engine = engine;
    this.container = container;
    this.job = job;
    this.settings = settings;
    this.afterExit = afterExit;
    this.live = live;
    this.payload = LaunchPayload.of(job, afterExit, live.interactive());
    this.capture =
        new OutputCapture(
            payload.nonce(),
            job.compileLimits().outputBytes(),
            job.runLimits().outputBytes(),
            live,
            job.compiled());
  }

  /** Completes when the launcher reports the container clean for another job (recycling). */
  public CompletableFuture<Void> cleaned() {
    return capture.cleaned();
  }

  /**
   * Runs the job. An interrupt of this thread (the worker is stopping) is no verdict against the
   * program: the container is killed and the job comes back {@link Outcome.Unavailable}, so its
   * record is released and the job runs again elsewhere.
   */
  public Outcome execute() {
    try {
      return executeSteps();
    } catch (WatchInterrupted e) {
      // The engine call must not fail on the interrupt it is answering; the flag is kept.
      Thread.interrupted();
      try {
        kill();
      } finally {
        Thread.currentThread().interrupt();
      }
      return new Outcome.Unavailable("the worker was interrupted while the job ran");
    }
  }

  private Outcome executeSteps() {
    if (container.jobsServed() > 0) {
      container.meter().startNextJob();
    }
    container.captureInto(capture);
    StepReport compile = null;
    if (job.compiled()) {
      CompileStep step = compileStep();
      if (step.ended() != null) {
        return step.ended();
      }
      compile = step.report();
    }
    applyLimits(job.runLimits());
    // The run step's CPU counts from before the launcher is told to go (its few milliseconds of
    // unpacking count against the program, never the other way round); its wall time from the
    // moment the "ready" marker arrived, not from when this thread woke up to see it.
    long cpuBeforeRun = container.meter().cpuNanos();
    live.stageStarted(LiveSession.Stage.RUN);
    container.send(job.compiled() ? "run\n".getBytes(StandardCharsets.US_ASCII) : payload.bytes());
    if (live.interactive()) {
      // Only now: a frame sent before "run" would have been read as the launcher's go-ahead.
      if (job.stdin().length > 0) {
        container.send(InteractiveInput.data(job.stdin()));
      }
      live.connect(new ProgramInput(container));
    }
    if (!awaitReady(capture)) {
      return new Outcome.InternalError(
          "the sandbox did not start the program: " + abbreviate(capture.setupNoise()));
    }
    StepClock clock = new StepClock(container.meter(), capture.readyAtNanos(), cpuBeforeRun);
    // One memory sample while the container surely exists (the launcher has just unpacked the
    // files): a program that ends before the watch loop first looks still gets a peak.
    container.meter().peakMemoryBytes();
    LimitHit hit = watch(clock, job.runLimits(), capture.exited(), capture.outputLimitHit(), true);
    ContainerExit exit;
    long cpuMs;
    long peakBytes;
    if (hit == LimitHit.NONE && capture.exited().isDone()) {
      // The launcher saw the program exit; the cgroup still exists, so read it now and leave
      // the container's teardown to the pool instead of waiting for it.
      cpuMs = clock.cpuMs();
      peakBytes = container.meter().peakMemoryBytes();
      exit = ContainerExit.of(capture.exited().join(), container.meter().oomKilled());
      if (exit.signal() == 9 && !exit.oomKilled() && !afterExit.launcherStays()) {
        // SIGKILL that we did not send: most likely the OOM killer. Ask Docker as well (the
        // launcher exits right after its marker, so this wait is short). A launcher that stays
        // up is only used with a cgroup meter, whose OOM count, read above, decides.
        ContainerExit confirmed = awaitExit();
        exit = new ContainerExit(exit.exitCode(), exit.signal(), confirmed.oomKilled());
      }
    } else {
      if (hit != LimitHit.NONE) {
        kill();
      }
      exit = awaitExit();
      capture.streamsEnded();
      cpuMs = clock.cpuMs();
      peakBytes = container.meter().peakMemoryBytes();
    }
    long wall = clock.wallMs();
    StepReport run =
        new StepReport(
            capture.runStdout(),
            capture.runStderr(),
            exit.exitCode(),
            exit.signal(),
            hit == LimitHit.WALL_TIME ? Math.max(wall, job.runLimits().wallTimeMs()) : wall,
            Math.max(0, cpuMs),
            Math.max(0, peakBytes),
            capture.runStdoutTruncated(),
            capture.runStderrTruncated(),
            Verdicts.limitFor(exit.oomKilled(), hit));
    return Verdicts.ofRun(compile, run, exit.oomKilled(), job.runLimits());
  }

  /**
   * Compiles the program and takes the compiled working directory out of the container (the
   * launcher's "pack"), so that many runs can start from it without compiling again. The container
   * is done afterwards: its launcher exits.
   */
  public Preparation prepare() {
    try {
      container.captureInto(capture);
      CompileStep step = compileStep();
      if (step.ended() != null) {
        return new Preparation.Ended(step.ended());
      }
      container.send("pack\n".getBytes(StandardCharsets.US_ASCII));
      byte[] work = awaitPacked();
      if (work == null) {
        return new Preparation.Ended(
            new Outcome.InternalError(
                "the compiled program could not be taken out of its sandbox (larger than "
                    + (OutputCapture.MAX_PACKED_BYTES >> 20)
                    + " MiB of base64, or the sandbox ended): "
                    + abbreviate(capture.setupNoise())));
      }
      return new Preparation.Compiled(step.report(), work);
    } catch (WatchInterrupted e) {
      Thread.interrupted();
      try {
        kill();
      } finally {
        Thread.currentThread().interrupt();
      }
      return new Preparation.Ended(
          new Outcome.Unavailable("the worker was interrupted while the job compiled"));
    }
  }

  private byte[] awaitPacked() {
    try {
      CompletableFuture.anyOf(capture.packed(), container.streamClosed())
          .get(PACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      kill();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WatchInterrupted();
    }
    if (!capture.packed().isDone()) {
      // The stream may close right behind the last bytes: give the capture a moment to finish.
      try {
        return capture.packed().get(settings.killSlack().toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WatchInterrupted();
      }
    }
    return capture.packed().join();
  }

  /** The compile step's report, or the outcome that ends the job there ({@code ended}). */
  private record CompileStep(StepReport report, Outcome ended) {}

  private CompileStep compileStep() {
    applyLimits(job.compileLimits());
    StepClock clock = new StepClock(container.meter());
    live.stageStarted(LiveSession.Stage.COMPILE);
    container.send(payload.bytes());
    LimitHit hit = watch(clock, job.compileLimits(), capture.compiled(), null, false);
    if (hit != LimitHit.NONE || !capture.compiled().isDone()) {
      return new CompileStep(null, compileEndedEarly(capture, clock, hit));
    }
    int status = capture.compiled().join();
    boolean oom = status != 0 && container.meter().oomKilled();
    StepReport compile =
        new StepReport(
            capture.compileStdout(),
            capture.compileStderr(),
            status,
            0,
            clock.wallMs(),
            Math.max(0, clock.cpuMs()),
            Math.max(0, container.meter().peakMemoryBytes()),
            capture.compileStdoutTruncated(),
            capture.compileStderrTruncated(),
            oom ? LimitHit.MEMORY : LimitHit.NONE);
    if (status != 0) {
      return new CompileStep(compile, Verdicts.ofFailedCompile(compile, job.compileLimits()));
    }
    return new CompileStep(compile, null);
  }

  private Outcome compileEndedEarly(OutputCapture capture, StepClock clock, LimitHit hit) {
    if (hit != LimitHit.NONE) {
      kill();
    }
    ContainerExit exit = awaitExit();
    capture.streamsEnded();
    LimitHit limit = Verdicts.limitFor(exit.oomKilled(), hit);
    StepReport compile =
        new StepReport(
            capture.compileStdout(),
            capture.compileStderr(),
            exit.exitCode(),
            exit.signal(),
            clock.wallMs(),
            Math.max(0, clock.cpuMs()),
            Math.max(0, container.meter().peakMemoryBytes()),
            capture.compileStdoutTruncated(),
            capture.compileStderrTruncated(),
            limit);
    return Verdicts.ofCompileCut(compile, job.compileLimits(), abbreviate(capture.setupNoise()));
  }

  /**
   * Waits, checking limits, until {@code done} completes, a limit is crossed or the job is
   * cancelled. The idle limit applies to the run step of an interactive job only.
   */
  private LimitHit watch(
      StepClock clock,
      EffectiveLimits limits,
      CompletableFuture<?> done,
      CompletableFuture<Void> outputHit,
      boolean runStep) {
    CompletableFuture<Object> wake =
        outputHit == null
            ? CompletableFuture.anyOf(done, container.streamClosed(), live.cancelled())
            : CompletableFuture.anyOf(done, container.streamClosed(), outputHit, live.cancelled());
    long interval = settings.meterInterval().toMillis();
    boolean idleApplies = runStep && live.interactive();
    long idleNanos = live.idleTimeout().toNanos();
    // The idle limit counts from the step's start at the earliest: the session opened before the
    // container was ready and the compile ran, and that time is nobody's silence (without this, a
    // compile longer than the idle limit ended the program as idle the moment it started).
    long idleFrom = System.nanoTime();
    while (true) {
      if (outputHit != null && outputHit.isDone()) {
        return LimitHit.OUTPUT;
      }
      if (live.cancelled().isDone() && !done.isDone()) {
        return LimitHit.CANCELLED;
      }
      if (idleApplies
          && !done.isDone()
          && System.nanoTime() - Math.max(live.lastActivityNanos(), idleFrom) >= idleNanos) {
        return LimitHit.IDLE;
      }
      if (done.isDone() || container.streamClosed().isDone()) {
        return LimitHit.NONE;
      }
      if (clock.wallMs() >= limits.wallTimeMs()) {
        return LimitHit.WALL_TIME;
      }
      long cpu = clock.cpuMs();
      if (cpu >= limits.cpuTimeMs()) {
        return LimitHit.CPU_TIME;
      }
      container.meter().peakMemoryBytes(); // sampled now: the cgroup vanishes when it exits
      try {
        wake.get(interval, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // time to look at the clocks again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WatchInterrupted();
      }
    }
  }

  private boolean awaitReady(OutputCapture capture) {
    try {
      CompletableFuture.anyOf(capture.ready(), container.streamClosed())
          .get(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WatchInterrupted();
    }
    return capture.ready().isDone();
  }

  /** Changes the container's kernel limits when the step needs others than it has. */
  private void applyLimits(EffectiveLimits limits) {
    ContainerLimits wanted = ContainerLimits.of(limits);
    if (wanted.equals(container.limits())) {
      return;
    }
    engine.updateLimits(container.id(), wanted.memoryBytes(), wanted.processes());
    container.limits(wanted);
  }

  private void kill() {
    engine.kill(container.id()); // one that already stopped by itself is no error
  }

  private ContainerExit awaitExit() {
    try {
      container.streamClosed().get(settings.killSlack().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WatchInterrupted();
    }
    ContainerState state = engine.inspect(container.id());
    if (state.running()) {
      engine.awaitExit(container.id(), settings.killSlack());
      state = engine.inspect(container.id());
    }
    int status = state.exitCode();
    boolean oom = state.oomKilled() || container.meter().oomKilled();
    return ContainerExit.of(status, oom);
  }

  private static String abbreviate(String text) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      return "no diagnostic output";
    }
    return trimmed.length() > 500 ? trimmed.substring(0, 500) + "..." : trimmed;
  }

  /** An interactive program's stdin and signals, framed for the launcher's relay. */
  private static final class ProgramInput implements LiveSession.Controls {

    /** Input the program has not read yet that the worker holds for it at most. */
    private static final long MAX_UNREAD_STDIN_BYTES = 4L * 1024 * 1024;

    private static final org.slf4j.Logger LOG =
        org.slf4j.LoggerFactory.getLogger(ProgramInput.class);

    private final SandboxContainer container;
    private boolean ended;

    ProgramInput(SandboxContainer container) {
      this.container = container;
    }

    @Override
    public synchronized void stdin(byte[] data) {
      if (ended || data.length == 0) {
        return;
      }
      // A program that never reads its stdin must not make the worker hold a caller's flood.
      if (container.unreadStdinBytes() + data.length > MAX_UNREAD_STDIN_BYTES) {
        LOG.warn(
            "sandbox {}: the program has not read {} bytes of its input; dropping {} more",
            container.id(),
            container.unreadStdinBytes(),
            data.length);
        return;
      }
      container.send(InteractiveInput.data(data));
    }

    @Override
    public synchronized void endOfInput() {
      if (!ended) {
        ended = true;
        container.send(InteractiveInput.endOfInput());
      }
    }

    @Override
    public synchronized void signal(String name) {
      if (InteractiveInput.SIGNALS.contains(name)) {
        container.send(InteractiveInput.signal(name));
      }
    }
  }

  /** The job's thread was interrupted while it watched a step: the worker is stopping. */
  private static final class WatchInterrupted extends RuntimeException {
    WatchInterrupted() {
      super("interrupted while watching a step", null, false, false);
    }
  }
}
