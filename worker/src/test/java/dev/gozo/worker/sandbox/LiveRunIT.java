package dev.gozo.worker.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live runs in real containers: output reaches the {@link LiveSession} while the program still
 * runs, an interactive program reads input it is sent after it started, gets SIGINT and EOF, an
 * idle interactive job is ended, and a cancel kills a running job.
 */
class LiveRunIT {

  private static SandboxHarness harness;

  @BeforeAll
  static void startSandbox() {
    harness = new SandboxHarness(1);
  }

  @AfterAll
  static void removeEverything() {
    harness.close();
  }

  @Test
  void shouldShowTheFirstLineBeforeTheSecondIsPrinted() {
    // given a program that prints, sleeps, prints
    RecordingSession live = new RecordingSession(false);
    SandboxJob job =
        harness
            .job("python")
            .file(
                "main.py",
                "import time\nprint('first', flush=True)\ntime.sleep(1.5)\nprint('second')\n")
            .build();

    // when it runs
    CompletableFuture<Outcome> outcome =
        CompletableFuture.supplyAsync(() -> harness.sandbox.run(job, live));

    // then the first line is there while the program still sleeps
    await().atMost(Duration.ofSeconds(20)).until(() -> live.stdout().contains("first"));
    assertThat(outcome).isNotDone();
    assertThat(live.stdout()).doesNotContain("second");
    assertThat(outcome.join()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(live.stdout()).isEqualTo("first\nsecond\n");
    assertThat(live.stages).containsExactly(LiveSession.Stage.RUN);
  }

  @Test
  void shouldAnswerTwoInputPromptsSentWhileTheProgramRuns() {
    // given an interactive program asking twice
    RecordingSession live = new RecordingSession(true);
    SandboxJob job =
        harness
            .job("python")
            .file(
                "main.py",
                "a = input('name? ')\nprint('hello', a, flush=True)\n"
                    + "b = input('age? ')\nprint('in a year', int(b) + 1)\n")
            .build();
    CompletableFuture<Outcome> outcome =
        CompletableFuture.supplyAsync(() -> harness.sandbox.run(job, live));

    // when each answer is typed after its prompt appeared
    await().atMost(Duration.ofSeconds(20)).until(() -> live.stdout().contains("name? "));
    live.type("Ada\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> live.stdout().contains("age? "));
    live.type("36\n");

    // then the program saw both
    Outcome result = outcome.join();
    assertThat(result).isInstanceOf(Outcome.Succeeded.class);
    assertThat(SandboxHarness.stdout(result)).isEqualTo("name? hello Ada\nage? in a year 37\n");
  }

  @Test
  void shouldDeliverCtrlCToTheProgram() {
    // given an interactive program that handles KeyboardInterrupt
    RecordingSession live = new RecordingSession(true);
    SandboxJob job =
        harness
            .job("python")
            .file(
                "main.py",
                "import time\ntry:\n    print('ready', flush=True)\n    time.sleep(30)\n"
                    + "except KeyboardInterrupt:\n    print('interrupted')\n    raise SystemExit(3)\n")
            .build();
    CompletableFuture<Outcome> outcome =
        CompletableFuture.supplyAsync(() -> harness.sandbox.run(job, live));
    await().atMost(Duration.ofSeconds(20)).until(() -> live.stdout().contains("ready"));

    // when SIGINT is sent
    live.controls.get().signal("INT");

    // then the program's handler ran
    Outcome result = outcome.join();
    assertThat(SandboxHarness.stdout(result)).isEqualTo("ready\ninterrupted\n");
    assertThat(result.run().exitCode()).isEqualTo(3);
  }

  @Test
  void shouldEndCatWithEndOfInput() {
    // given cat, interactive, with initial stdin
    RecordingSession live = new RecordingSession(true);
    SandboxJob job = harness.job("bash").file("main.sh", "cat\necho done\n").stdin("one\n").build();
    CompletableFuture<Outcome> outcome =
        CompletableFuture.supplyAsync(() -> harness.sandbox.run(job, live));
    await().atMost(Duration.ofSeconds(20)).until(() -> live.stdout().contains("one"));

    // when more input and then EOF are sent
    live.type("two\n");
    live.controls.get().endOfInput();

    // then cat ends and the script goes on
    Outcome result = outcome.join();
    assertThat(result).isInstanceOf(Outcome.Succeeded.class);
    assertThat(SandboxHarness.stdout(result)).isEqualTo("one\ntwo\ndone\n");
  }

  @Test
  void shouldEndAnIdleInteractiveJob() {
    // given an interactive program that waits for input nobody sends, with a short idle limit
    RecordingSession live = new RecordingSession(true, Duration.ofMillis(1500));
    SandboxJob job = harness.job("python").file("main.py", "input()\n").wallMs(20_000).build();

    // when it runs
    long started = System.nanoTime();
    Outcome result = harness.sandbox.run(job, live);

    // then the idle limit ended it, long before the wall limit
    assertThat(result).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(result.run().limitHit()).isEqualTo(StepReport.LimitHit.IDLE);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void shouldKillARunningJobWithinASecondOfItsCancel() {
    // given a job that runs for a long time
    RecordingSession live = new RecordingSession(false);
    SandboxJob job =
        harness
            .job("python")
            .file("main.py", "import time\nprint('working', flush=True)\ntime.sleep(60)\n")
            .wallMs(30_000)
            .build();
    CompletableFuture<Outcome> outcome =
        CompletableFuture.supplyAsync(() -> harness.sandbox.run(job, live));
    await().atMost(Duration.ofSeconds(20)).until(() -> live.stdout().contains("working"));

    // when it is cancelled
    long cancelledAt = System.nanoTime();
    live.cancelled.complete(null);

    // then it ends at once, CANCELLED, with the output it made
    Outcome result = outcome.join();
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(1));
    assertThat(result).isInstanceOf(Outcome.Cancelled.class);
    assertThat(SandboxHarness.stdout(result)).isEqualTo("working\n");
  }

  @Test
  void shouldEndNormallyWhenFloodedWithInputItNeverReads() {
    // given an interactive program that never reads its stdin
    RecordingSession live = new RecordingSession(true);
    SandboxJob job =
        harness
            .job("python")
            .file("main.py", "import time\nprint('busy', flush=True)\ntime.sleep(2)\n")
            .build();
    CompletableFuture<Outcome> outcome =
        CompletableFuture.supplyAsync(() -> harness.sandbox.run(job, live));
    await().atMost(Duration.ofSeconds(20)).until(() -> live.stdout().contains("busy"));

    // when a caller sends 32 MiB of input meanwhile
    byte[] block = new byte[64 * 1024];
    java.util.Arrays.fill(block, (byte) 'x');
    for (int i = 0; i < 512; i++) {
      live.controls.get().stdin(block);
    }

    // then the job ends as it would have (the worker kept at most a bounded part of the flood)
    Outcome result = outcome.join();
    assertThat(result).isInstanceOf(Outcome.Succeeded.class);
    assertThat(SandboxHarness.stdout(result)).isEqualTo("busy\n");
  }

  /** A live session that records what the job shows and lets the test type and cancel. */
  private static final class RecordingSession implements LiveSession {
    private final boolean interactive;
    private final Duration idle;
    final List<Stage> stages = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final CompletableFuture<Void> cancelled = new CompletableFuture<>();
    final AtomicReference<Controls> controls = new AtomicReference<>();
    private volatile long lastActivity = System.nanoTime();

    RecordingSession(boolean interactive) {
      this(interactive, Duration.ofSeconds(30));
    }

    RecordingSession(boolean interactive, Duration idle) {
      this.interactive = interactive;
      this.idle = idle;
    }

    synchronized String stdout() {
      return out.toString(StandardCharsets.UTF_8);
    }

    void type(String text) {
      lastActivity = System.nanoTime();
      controls.get().stdin(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean interactive() {
      return interactive;
    }

    @Override
    public Duration idleTimeout() {
      return idle;
    }

    @Override
    public synchronized void stageStarted(Stage stage) {
      stages.add(stage);
    }

    @Override
    public synchronized void output(Stream stream, byte[] data, int offset, int length) {
      lastActivity = System.nanoTime();
      if (stream == Stream.STDOUT) {
        out.write(data, offset, length);
      }
    }

    @Override
    public CompletableFuture<Void> cancelled() {
      return cancelled;
    }

    @Override
    public long lastActivityNanos() {
      return lastActivity;
    }

    @Override
    public void connect(Controls controls) {
      this.controls.set(controls);
    }
  }
}
