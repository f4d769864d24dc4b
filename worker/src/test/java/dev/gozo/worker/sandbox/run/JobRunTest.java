package dev.gozo.worker.sandbox.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.jobspec.EffectiveLimits;
import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.protocol.v1.Runtime;
import dev.gozo.worker.engine.FakeEngine;
import dev.gozo.worker.sandbox.DockerSandbox;
import dev.gozo.worker.sandbox.LiveSession;
import dev.gozo.worker.sandbox.Outcome;
import dev.gozo.worker.sandbox.SandboxJob;
import dev.gozo.worker.sandbox.SandboxSettings;
import dev.gozo.worker.sandbox.StepReport;
import dev.gozo.worker.sandbox.StepReport.LimitHit;
import dev.gozo.worker.sandbox.container.ContainerFactory;
import dev.gozo.worker.sandbox.container.SandboxContainer;
import dev.gozo.worker.sandbox.container.TestContainers;
import dev.gozo.worker.sandbox.pool.WarmPool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One job's run, verdict by verdict, against the fake engine: the container plays launcher.sh's
 * protocol ({@link FakeLauncher}) and the test decides what the compiler and the program do.
 */
class JobRunTest {

  private static final RuntimeCatalogue CATALOGUE = RuntimeCatalogue.bundled();
  private static final Runtime BASH = CATALOGUE.resolve("bash", "").orElseThrow();
  private static final Runtime C = CATALOGUE.resolve("c", "").orElseThrow();
  // Generous next to the limits below, so that only the limit under test is crossed.
  private static final EffectiveLimits LIMITS = new EffectiveLimits(5_000, 5_000, 256, 64, 1_000);
  private static final SandboxSettings SETTINGS =
      SandboxSettings.of("owner-a", 1.0, "", Path.of("/nonexistent-cgroup-root"), 0, 4);

  private final FakeEngine engine = new FakeEngine();
  private final TestMeter meter = new TestMeter();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void shouldSucceedWithTheProgramsOutputWhenItExitsWithZero() {
    Outcome outcome =
        run(
            job(BASH, LIMITS),
            FakeLauncher.running(
                p -> {
                  p.stdout("hello\n");
                  p.stderr("note\n");
                  return 0;
                }));

    assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
    StepReport run = ((Outcome.Succeeded) outcome).run();
    assertThat(text(run.stdout())).isEqualTo("hello\n");
    assertThat(text(run.stderr())).isEqualTo("note\n");
    assertThat(run.exitCode()).isZero();
    assertThat(run.limitHit()).isEqualTo(LimitHit.NONE);
  }

  @Test
  void shouldReportARuntimeErrorWithTheExitCode() {
    Outcome outcome = run(job(BASH, LIMITS), FakeLauncher.running(p -> 3));

    assertThat(outcome).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(((Outcome.RuntimeError) outcome).run().exitCode()).isEqualTo(3);
    assertThat(((Outcome.RuntimeError) outcome).message()).isEqualTo("exited with code 3");
  }

  @Test
  void shouldReportARuntimeErrorWithTheSignalThatEndedTheProgram() {
    Outcome outcome = run(job(BASH, LIMITS), FakeLauncher.running(p -> 128 + 11));

    assertThat(outcome).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(((Outcome.RuntimeError) outcome).run().signal()).isEqualTo(11);
  }

  @Test
  void shouldReportACompileErrorAndNeverRunTheProgram() {
    AtomicReference<Boolean> ran = new AtomicReference<>(false);
    Outcome outcome =
        run(
            job(C, LIMITS),
            new FakeLauncher(
                p -> {
                  p.stderr("main.c:1: error: expected ';'\n");
                  return 1;
                },
                p -> {
                  ran.set(true);
                  return 0;
                }));

    assertThat(outcome).isInstanceOf(Outcome.CompileError.class);
    Outcome.CompileError error = (Outcome.CompileError) outcome;
    assertThat(error.compile().exitCode()).isEqualTo(1);
    assertThat(text(error.compile().stderr())).contains("expected ';'");
    assertThat(error.message()).isEqualTo("compilation failed with exit code 1");
    assertThat(ran.get()).as("the program ran").isFalse();
  }

  @Test
  void shouldStopACompilerThatRunsPastItsWallTime() {
    EffectiveLimits compile = new EffectiveLimits(200, 5_000, 256, 64, 1_000);

    Outcome outcome = run(job(C, compile, LIMITS), new FakeLauncher(sleepsForever(), p -> 0));

    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    Outcome.TimeLimitExceeded tle = (Outcome.TimeLimitExceeded) outcome;
    assertThat(tle.run()).isNull();
    assertThat(tle.compile().limitHit()).isEqualTo(LimitHit.WALL_TIME);
    assertThat(tle.message()).isEqualTo("compilation exceeded the wall-clock limit of 200 ms");
  }

  @Test
  void shouldReportACompilerKilledForMemoryAsACompileError() {
    Outcome outcome =
        run(
            job(C, LIMITS),
            new FakeLauncher(
                p -> {
                  meter.oomKilled.set(true);
                  return 128 + 9;
                },
                p -> 0));

    assertThat(outcome).isInstanceOf(Outcome.CompileError.class);
    assertThat(((Outcome.CompileError) outcome).message())
        .isEqualTo("the compiler ran out of memory (limit 256 MiB)");
  }

  @Test
  void shouldRunACompiledProgramWithTheRunLimitsAfterItCompiled() {
    EffectiveLimits compile = new EffectiveLimits(5_000, 5_000, 512, 128, 1_000);
    AtomicReference<Long> memoryWhileRunning = new AtomicReference<>();
    Outcome outcome =
        run(
            job(C, compile, LIMITS),
            new FakeLauncher(
                p -> 0,
                p -> {
                  memoryWhileRunning.set(p.memoryBytes());
                  p.stdout("42\n");
                  return 0;
                }));

    assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
    assertThat(((Outcome.Succeeded) outcome).compile()).isNotNull();
    assertThat(memoryWhileRunning.get()).isEqualTo(256L * 1024 * 1024);
  }

  @Test
  void shouldKillAProgramThatRunsPastItsWallTime() {
    EffectiveLimits limits = new EffectiveLimits(200, 5_000, 256, 64, 1_000);

    Outcome outcome = run(job(BASH, limits), FakeLauncher.running(sleepsForever()));

    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    StepReport run = ((Outcome.TimeLimitExceeded) outcome).run();
    assertThat(run.limitHit()).isEqualTo(LimitHit.WALL_TIME);
    assertThat(run.wallTimeMs()).isGreaterThanOrEqualTo(200);
    assertThat(engine.running()).as("killed").isEmpty();
  }

  @Test
  void shouldKillAProgramThatUsesMoreCpuThanItsLimit() {
    EffectiveLimits limits = new EffectiveLimits(5_000, 300, 256, 64, 1_000);

    Outcome outcome =
        run(
            job(BASH, limits),
            FakeLauncher.running(
                p -> {
                  meter.cpuNanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(400));
                  return sleepsForever().run(p);
                }));

    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(((Outcome.TimeLimitExceeded) outcome).run().limitHit()).isEqualTo(LimitHit.CPU_TIME);
    assertThat(((Outcome.TimeLimitExceeded) outcome).message()).contains("CPU time");
  }

  @Test
  void shouldReportMemoryWhenTheCgroupSawTheOomKiller() {
    Outcome outcome =
        run(
            job(BASH, LIMITS),
            FakeLauncher.running(
                p -> {
                  meter.oomKilled.set(true);
                  return 128 + 9;
                }));

    assertThat(outcome).isInstanceOf(Outcome.MemoryLimitExceeded.class);
    assertThat(((Outcome.MemoryLimitExceeded) outcome).run().limitHit()).isEqualTo(LimitHit.MEMORY);
  }

  @Test
  void shouldReportMemoryWhenTheEngineSaysTheContainerWasOomKilled() {
    Outcome outcome =
        run(
            job(BASH, LIMITS),
            FakeLauncher.running(
                p -> {
                  p.oomKill(); // the whole container, launcher included: no exit marker
                  return sleepsForever().run(p);
                }));

    assertThat(outcome).isInstanceOf(Outcome.MemoryLimitExceeded.class);
  }

  @Test
  void shouldStopAProgramThatWritesMoreThanItsOutputLimit() {
    Outcome outcome =
        run(
            job(BASH, LIMITS),
            FakeLauncher.running(
                p -> {
                  p.stdout("x".repeat(5_000));
                  return sleepsForever().run(p);
                }));

    assertThat(outcome).isInstanceOf(Outcome.OutputLimitExceeded.class);
    StepReport run = ((Outcome.OutputLimitExceeded) outcome).run();
    assertThat(run.limitHit()).isEqualTo(LimitHit.OUTPUT);
    assertThat(run.stdoutTruncated()).isTrue();
    assertThat(run.stdout().length).isLessThanOrEqualTo(1_000);
  }

  @Test
  void shouldReportAnInternalErrorWhenTheLauncherNeverStartsTheProgram() {
    Outcome outcome =
        run(
            job(BASH, LIMITS),
            p -> {
              p.stdin().read(); // the job has arrived
              p.stderr("tar: short read\n");
              return 91; // launcher.sh's exit when it cannot unpack the job
            });

    assertThat(outcome).isInstanceOf(Outcome.InternalError.class);
    assertThat(((Outcome.InternalError) outcome).message())
        .startsWith("the sandbox did not start the program")
        .contains("tar: short read");
  }

  @Test
  void shouldComeBackUnavailableAndKillTheContainerWhenTheWorkerIsInterrupted() throws Exception {
    CompletableFuture<Boolean> programStarted = new CompletableFuture<>();
    Thread jobThread = Thread.currentThread();
    CompletableFuture.runAsync(
        () -> {
          programStarted.join();
          jobThread.interrupt();
        });

    Outcome outcome =
        run(
            job(BASH, LIMITS),
            FakeLauncher.running(
                p -> {
                  programStarted.complete(true);
                  return sleepsForever().run(p);
                }));

    assertThat(outcome).isInstanceOf(Outcome.Unavailable.class);
    assertThat(Thread.currentThread().isInterrupted()).as("interrupt kept").isTrue();
    assertThat(engine.running()).as("killed").isEmpty();
  }

  @Test
  void shouldEndARunAsCancelledSoonAfterTheJobIsCancelled() {
    RecordingLiveSession live = RecordingLiveSession.watching();
    CompletableFuture<Void> programStarted = new CompletableFuture<>();
    CompletableFuture.runAsync(() -> programStarted.thenRun(() -> live.cancelled.complete(null)));
    long start = System.nanoTime();

    Outcome outcome =
        run(
            job(BASH, LIMITS),
            FakeLauncher.running(
                p -> {
                  p.stdout("working\n");
                  programStarted.complete(null);
                  return sleepsForever().run(p);
                }),
            live);

    assertThat(outcome).isInstanceOf(Outcome.Cancelled.class);
    assertThat(((Outcome.Cancelled) outcome).run().limitHit()).isEqualTo(LimitHit.CANCELLED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(engine.running()).as("killed").isEmpty();
  }

  @Test
  void shouldEndAnInteractiveRunThatSeesNoInputOrOutputForItsIdleLimit() {
    RecordingLiveSession live = RecordingLiveSession.interactive(Duration.ofMillis(200));

    Outcome outcome = run(job(BASH, LIMITS), FakeLauncher.running(sleepsForever()), live);

    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    StepReport run = ((Outcome.TimeLimitExceeded) outcome).run();
    assertThat(run.limitHit()).isEqualTo(LimitHit.IDLE);
    assertThat(run.wallTimeMs()).isLessThan(LIMITS.wallTimeMs());
    assertThat(engine.running()).as("killed").isEmpty();
  }

  @Test
  void shouldKeepAnInteractiveRunThatKeepsWritingPastItsIdleLimit() {
    RecordingLiveSession live = RecordingLiveSession.interactive(Duration.ofMillis(200));

    Outcome outcome =
        run(
            job(BASH, LIMITS),
            FakeLauncher.running(
                p -> {
                  for (int i = 0; i < 8; i++) { // 8 x 80 ms: longer than the idle limit
                    p.stdout("tick\n");
                    Thread.sleep(80);
                  }
                  return 0;
                }),
            live);

    assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
  }

  @Test
  void shouldNotCountTheCompileTowardsTheIdleLimitOfAnInteractiveRun() {
    // Before: the idle limit counted from when the session opened, so a compile longer than the
    // limit ended the program as idle the moment it started.
    RecordingLiveSession live = RecordingLiveSession.interactive(Duration.ofMillis(300));

    Outcome outcome =
        run(
            job(C, LIMITS),
            new FakeLauncher(
                p -> {
                  Thread.sleep(700); // a silent compile, longer than the idle limit
                  return 0;
                },
                p -> {
                  Thread.sleep(100);
                  p.stdout("ready\n");
                  return 0;
                }),
            live);

    assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
  }

  @Test
  void shouldTellTheSessionOfEachStageBeforeTheOutputOfThatStage() {
    RecordingLiveSession live = RecordingLiveSession.watching();

    Outcome outcome =
        run(
            job(C, LIMITS),
            new FakeLauncher(
                p -> {
                  p.stderr("main.c:1: warning: unused\n");
                  return 0;
                },
                p -> {
                  p.stdout("42\n");
                  return 0;
                }),
            live);

    assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
    assertThat(live.events())
        .containsExactly(
            "stage:COMPILE", "STDERR:main.c:1: warning: unused\n", "stage:RUN", "STDOUT:42\n");
  }

  @Test
  void shouldFeedAnInteractiveProgramItsStdinThenWhatTheSessionSends() {
    RecordingLiveSession live = RecordingLiveSession.interactive(Duration.ofSeconds(5));
    live.connected.thenAccept(
        controls -> {
          controls.stdin("typed\n".getBytes(StandardCharsets.UTF_8));
          controls.endOfInput();
          controls.stdin("after the end\n".getBytes(StandardCharsets.UTF_8));
        });

    Outcome outcome =
        run(
            job(BASH, LIMITS, "given\n".getBytes(StandardCharsets.UTF_8)),
            FakeLauncher.running(FakeLauncher.echoesInteractiveInput()),
            live);

    assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
    assertThat(text(((Outcome.Succeeded) outcome).run().stdout())).isEqualTo("given\ntyped\n");
    assertThat(live.events()).containsExactly("stage:RUN", "STDOUT:given\ntyped\n");
  }

  @Test
  void shouldSendAnInteractiveProgramTheSignalTheSessionAsksFor() {
    RecordingLiveSession live = RecordingLiveSession.interactive(Duration.ofSeconds(5));
    live.connected.thenAccept(controls -> controls.signal("INT"));

    Outcome outcome =
        run(job(BASH, LIMITS), FakeLauncher.running(FakeLauncher.echoesInteractiveInput()), live);

    assertThat(outcome).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(((Outcome.RuntimeError) outcome).run().signal()).isEqualTo(2);
  }

  private Outcome run(SandboxJob job, FakeEngine.Program launcher) {
    return run(job, launcher, LiveSession.NONE);
  }

  private Outcome run(SandboxJob job, FakeEngine.Program launcher, LiveSession live) {
    engine.program(spec -> true, launcher);
    ContainerFactory factory = new ContainerFactory(engine, SETTINGS);
    SandboxContainer container =
        factory.start(
            job.runtime(), WarmPool.key(job.runtime()), DockerSandbox.defaultLimits(job.runtime()));
    TestContainers.meter(container, meter);
    try {
      return new JobRun(engine, container, job, SETTINGS, AfterExit.EXIT, live).execute();
    } finally {
      container.detach();
      factory.remove(container.id());
    }
  }

  private static FakeLauncher.Step sleepsForever() {
    return p -> {
      Thread.sleep(Duration.ofMinutes(10).toMillis());
      return 0;
    };
  }

  private static SandboxJob job(Runtime runtime, EffectiveLimits limits) {
    return job(runtime, limits, limits);
  }

  private static SandboxJob job(Runtime runtime, EffectiveLimits limits, byte[] stdin) {
    return new SandboxJob(
        "job-1",
        "tenant-a",
        runtime,
        Map.of("main.x", "source".getBytes(StandardCharsets.UTF_8)),
        stdin,
        List.of(),
        limits,
        limits);
  }

  private static SandboxJob job(Runtime runtime, EffectiveLimits compile, EffectiveLimits run) {
    return new SandboxJob(
        "job-1",
        "tenant-a",
        runtime,
        Map.of("main.x", "source".getBytes(StandardCharsets.UTF_8)),
        new byte[0],
        List.of(),
        compile,
        run);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
