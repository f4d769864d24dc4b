package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.jobspec.SignalNames;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crashes and exit codes end in RUNTIME_ERROR with the right signal or code; verdicts come from
 * what the kernel and the worker saw, never from what the program printed. A status above 128 is
 * read as a signal (128+N), as shells and Docker's init report it.
 */
class SignalsAndExitsIT {

  private static SandboxHarness harness;

  @BeforeAll
  static void startSandbox() {
    harness = new SandboxHarness(1);
  }

  @AfterAll
  static void removeEverything() {
    harness.close();
  }

  static Stream<Arguments> crashes() {
    return Stream.of(
        Arguments.of(
            "c SIGSEGV", "c", "main.c", "int main(void) { volatile int *p = 0; return *p; }\n", 11),
        Arguments.of(
            "c SIGFPE",
            "c",
            "main.c",
            "int main(void) { volatile int a = 7, zero = 0; return a / zero; }\n",
            8),
        Arguments.of(
            "c SIGABRT", "c", "main.c", "#include <stdlib.h>\nint main(void) { abort(); }\n", 6),
        Arguments.of(
            "c stack overflow",
            "c",
            "main.c",
            "int deep(volatile int n) { volatile char pad[256]; pad[0] = (char) n; return deep(n + 1) + pad[0]; }\n"
                + "int main(void) { return deep(0); }\n",
            11),
        Arguments.of(
            "python SIGSEGV",
            "python",
            "main.py",
            "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n",
            11),
        Arguments.of("python SIGABRT", "python", "main.py", "import os\nos.abort()\n", 6),
        Arguments.of(
            "python SIGFPE",
            "python",
            "main.py",
            "import os, signal\nos.kill(os.getpid(), signal.SIGFPE)\n",
            8),
        Arguments.of(
            "python null pointer", "python", "main.py", "import ctypes\nctypes.string_at(0)\n", 11),
        Arguments.of("javascript SIGABRT", "javascript", "main.js", "process.abort();\n", 6),
        Arguments.of("bash SIGSEGV", "bash", "main.sh", "kill -SEGV $$\n", 11));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crashes")
  void shouldReportACrashAsRuntimeErrorWithItsSignal(
      String name, String language, String file, String code, int signal) {
    // given
    var job = harness.job(language).file(file, code).wallMs(5000);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(outcome.run().signal()).isEqualTo(signal);
    assertThat(outcome.run().limitHit()).isEqualTo(StepReport.LimitHit.NONE);
    assertThat(outcome.message()).contains(SignalNames.of(signal));
  }

  static Stream<Arguments> exits() {
    return Stream.of(
        Arguments.of("c", "main.c", "#include <stdlib.h>\nint main(void) { exit(3); }\n"),
        Arguments.of("python", "main.py", "import sys\nsys.exit(3)\n"),
        Arguments.of("javascript", "main.js", "process.exit(3);\n"),
        Arguments.of("bash", "main.sh", "exit 3\n"),
        Arguments.of(
            "java",
            "Main.java",
            "public class Main { public static void main(String[] a) { System.exit(3); } }\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exits")
  void shouldReportAnExitCodeAsRuntimeError(String language, String file, String code) {
    // given
    var job = harness.job(language).file(file, code);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(outcome.run().exitCode()).isEqualTo(3);
    assertThat(outcome.run().signal()).isZero();
    assertThat(outcome.message()).isEqualTo("exited with code 3");
  }

  @Test
  void shouldHandTheJobBackInsteadOfBlamingTheProgramWhenTheWorkerThreadIsInterrupted()
      throws Exception {
    // given: a program that would run well within its limits
    var job = harness.job("python").file("main.py", "import time\ntime.sleep(3)\nprint('done')\n");
    java.util.concurrent.CompletableFuture<Outcome> running =
        new java.util.concurrent.CompletableFuture<>();
    Thread slot = new Thread(() -> running.complete(job.run()), "interrupted-slot");

    // when: the worker interrupts the job's thread while the program runs
    slot.start();
    Thread.sleep(1500);
    slot.interrupt();
    Outcome outcome = running.get(30, java.util.concurrent.TimeUnit.SECONDS);

    // then: no verdict against the program (it was TIME_LIMIT_EXCEEDED before)
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Unavailable.class);
    assertThat(outcome.message()).contains("interrupted");
  }

  @Test
  void shouldReportAJavaStackOverflowAsRuntimeError() {
    // given
    var job =
        harness
            .job("java")
            .file(
                "Main.java",
                "public class Main { static int f(int n) { return f(n + 1) + 1; } public static void main(String[] a) { f(0); } }\n");

    // when
    Outcome outcome = job.run();

    // then: the JVM turns it into an exception and exits 1
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(outcome.run().exitCode()).isEqualTo(1);
    assertThat(SandboxHarness.stderr(outcome)).contains("StackOverflowError");
  }

  @Test
  void shouldReportPythonsRecursionErrorAsRuntimeError() {
    // given
    var job = harness.job("python").file("main.py", "def f(n):\n    return f(n + 1) + 1\nf(0)\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(outcome.run().exitCode()).isEqualTo(1);
    assertThat(SandboxHarness.stderr(outcome)).contains("RecursionError");
  }

  @Test
  void shouldReportUnboundedPythonRecursionAsMemoryLimitExceeded() {
    // given: with the recursion limit lifted, Python 3.11 keeps its frames on the heap
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import sys\nsys.setrecursionlimit(10**8)\ndef f(n):\n    return f(n + 1) + 1\nf(0)\n")
            .memoryMb(64);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.MemoryLimitExceeded.class);
  }

  @Test
  void shouldTrustTheExitNotWhatTheProgramClaims() {
    // given: a program that prints a verdict and exits 0
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "print('TIME_LIMIT_EXCEEDED')\nprint('MEMORY_LIMIT_EXCEEDED killed by signal SIGKILL (9)')\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).startsWith("TIME_LIMIT_EXCEEDED\n");
  }

  @Test
  void shouldReportAnExitCodeAbove128AsASignalBecauseThatIsHowItIsReported() {
    // given: exit(130) cannot be told apart from death by SIGINT (128+2); documented limit
    var job =
        harness.job("c").file("main.c", "#include <stdlib.h>\nint main(void) { exit(130); }\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(outcome.run().exitCode()).isEqualTo(130);
    assertThat(outcome.run().signal()).isEqualTo(2);
  }
}
