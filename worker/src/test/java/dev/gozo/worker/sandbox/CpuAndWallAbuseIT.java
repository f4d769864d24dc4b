package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.worker.sandbox.StepReport.LimitHit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Programs that burn CPU or never finish. CPU time is the whole container's (every process and
 * thread), read from the cgroup every 10 ms, so a limit trips within one sampling interval plus the
 * time docker needs to kill: the documented slack is {@link #SLACK_MS} of wall time, and {@link
 * #CPU_SLACK_MS} of CPU time burnt past the CPU limit.
 *
 * <p>How long a CPU limit takes in wall time depends on the host: the sandbox's quota is one CPU,
 * and on an idle host 1000 ms of CPU take about 1.1 s. On a busy host the program gets less than
 * its quota, so the checks here bound the CPU time precisely and the wall time only loosely; that
 * the CPU limit and not the wall limit ended the job is what proves CPU is summed over threads and
 * processes (the main thread itself sleeps).
 */
class CpuAndWallAbuseIT {

  /** Sampling interval (10 ms), docker kill and the container's exit, with room for a busy host. */
  static final long SLACK_MS = 1500;

  /** CPU time a program may burn past its limit: one sampling interval plus the kill's latency. */
  static final long CPU_SLACK_MS = 500;

  /** Well before the generous wall limit, even on a busy host. */
  private static final long LOOSE_WALL_BOUND = 6000;

  private static final long CPU_LIMIT = 1000;
  private static final long GENEROUS_WALL = 10_000;
  private static final long WALL_LIMIT = 2000;

  /** For programs that print nothing: their start-up time does not matter. */
  private static final long SHORT_WALL_LIMIT = 1000;

  private static SandboxHarness harness;

  @BeforeAll
  static void startSandbox() {
    harness = new SandboxHarness(1);
  }

  @AfterAll
  static void removeEverything() {
    harness.close();
  }

  static Stream<Arguments> infiniteLoops() {
    return Stream.of(
        Arguments.of("python", "main.py", "while True:\n    pass\n"),
        Arguments.of(
            "c", "main.c", "int main(void) { volatile unsigned long n = 0; for (;;) n++; }\n"),
        Arguments.of("javascript", "main.js", "let n = 0;\nfor (;;) { n++; }\n"),
        Arguments.of("bash", "main.sh", "while :; do :; done\n"),
        Arguments.of(
            "java",
            "Main.java",
            "public class Main { static volatile long n;"
                + " public static void main(String[] a) { while (true) { n++; } } }\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("infiniteLoops")
  void shouldKillAnInfiniteLoopAtTheCpuLimit(String language, String file, String code) {
    // given
    var job = harness.job(language).file(file, code).cpuMs(CPU_LIMIT).wallMs(GENEROUS_WALL);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.CPU_TIME);
    assertThat(outcome.run().cpuTimeMs()).isBetween(CPU_LIMIT, CPU_LIMIT + CPU_SLACK_MS);
    assertThat(outcome.run().wallTimeMs()).isLessThan(LOOSE_WALL_BOUND);
  }

  @Test
  void shouldSumCpuTimeOverAllThreadsOfACProgram() {
    // given: four burning threads share the sandbox's one CPU, so each alone would need 4 s
    var job =
        harness
            .job("c")
            .file(
                "main.c",
                "#include <pthread.h>\n"
                    + "static void *burn(void *arg) { volatile unsigned long n = 0; for (;;) n++; return arg; }\n"
                    + "int main(void) {\n"
                    + "  pthread_t t[4];\n"
                    + "  for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, burn, 0);\n"
                    + "  pthread_join(t[0], 0);\n"
                    + "  return 0;\n"
                    + "}\n")
            .cpuMs(CPU_LIMIT)
            .wallMs(GENEROUS_WALL);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.CPU_TIME);
    assertThat(outcome.run().cpuTimeMs()).isBetween(CPU_LIMIT, CPU_LIMIT + CPU_SLACK_MS);
    assertThat(outcome.run().wallTimeMs()).isLessThan(LOOSE_WALL_BOUND);
  }

  @Test
  void shouldSumCpuTimeOverAllThreadsOfAJavaProgram() {
    // given
    var job =
        harness
            .job("java")
            .file(
                "Main.java",
                "public class Main {\n"
                    + "  static volatile long sink;\n"
                    + "  public static void main(String[] a) throws Exception {\n"
                    + "    for (int i = 0; i < 4; i++) { new Thread(() -> { while (true) { sink++; } }).start(); }\n"
                    + "    Thread.sleep(60_000);\n"
                    + "  }\n"
                    + "}\n")
            .cpuMs(CPU_LIMIT)
            .wallMs(GENEROUS_WALL);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.CPU_TIME);
    assertThat(outcome.run().cpuTimeMs()).isBetween(CPU_LIMIT, CPU_LIMIT + CPU_SLACK_MS);
    assertThat(outcome.run().wallTimeMs()).isLessThan(LOOSE_WALL_BOUND);
  }

  @Test
  void shouldCountBusyChildProcessesWhileTheParentSleeps() {
    // given
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import os, time\n"
                    + "for _ in range(3):\n"
                    + "    if os.fork() == 0:\n"
                    + "        while True:\n"
                    + "            pass\n"
                    + "time.sleep(60)\n")
            .cpuMs(CPU_LIMIT)
            .wallMs(GENEROUS_WALL);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.CPU_TIME);
    assertThat(outcome.run().cpuTimeMs()).isBetween(CPU_LIMIT, CPU_LIMIT + CPU_SLACK_MS);
    assertThat(outcome.run().wallTimeMs()).isLessThan(LOOSE_WALL_BOUND);
  }

  @Test
  void shouldCountBusyChildrenThatLeftTheParentsSessionWhileTheParentSleeps() {
    // given
    var job =
        harness
            .job("bash")
            .file(
                "main.sh",
                "for i in 1 2; do setsid sh -c 'while :; do :; done' & done\n"
                    + "( while :; do :; done ) &\n"
                    + "sleep 60\n")
            .cpuMs(CPU_LIMIT)
            .wallMs(GENEROUS_WALL);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.CPU_TIME);
    assertThat(outcome.run().cpuTimeMs()).isBetween(CPU_LIMIT, CPU_LIMIT + CPU_SLACK_MS);
    assertThat(outcome.run().wallTimeMs()).isLessThan(LOOSE_WALL_BOUND);
  }

  static Stream<Arguments> sleepers() {
    return Stream.of(
        Arguments.of("python", "main.py", "import time\ntime.sleep(1000)\n"),
        Arguments.of("c", "main.c", "#include <unistd.h>\nint main(void) { for (;;) pause(); }\n"),
        Arguments.of("javascript", "main.js", "setTimeout(() => {}, 1e9);\n"),
        Arguments.of("bash", "main.sh", "sleep infinity\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sleepers")
  void shouldKillASleepingProgramAtTheWallLimit(String language, String file, String code) {
    // given
    var job = harness.job(language).file(file, code).wallMs(SHORT_WALL_LIMIT);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.WALL_TIME);
    assertThat(outcome.run().wallTimeMs()).isBetween(SHORT_WALL_LIMIT, SHORT_WALL_LIMIT + SLACK_MS);
  }

  static Stream<Arguments> blockedReaders() {
    return Stream.of(
        Arguments.of("bash", "main.sh", "mkfifo /tmp/f\ncat /tmp/f\n"),
        Arguments.of("bash", "main.sh", "mkfifo /tmp/f\nexec 3<>/tmp/f\nread -r line <&3\n"),
        Arguments.of("python", "main.py", "import os\nr, w = os.pipe()\nos.read(r, 1)\n"),
        Arguments.of(
            "c",
            "main.c",
            "#include <unistd.h>\nint main(void) { int p[2]; char c; pipe(p); return (int) read(p[0], &c, 1); }\n"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("blockedReaders")
  void shouldKillAProgramBlockedOnItsOwnPipeAtTheWallLimit(
      String language, String file, String code) {
    // given
    var job = harness.job(language).file(file, code).wallMs(SHORT_WALL_LIMIT);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.WALL_TIME);
    assertThat(outcome.run().wallTimeMs()).isBetween(SHORT_WALL_LIMIT, SHORT_WALL_LIMIT + SLACK_MS);
  }

  @Test
  void shouldGiveEndOfInputInsteadOfBlockingOnStdin() {
    // given: stdin is a file holding exactly the request's bytes, never the worker's stream
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import os, stat, sys\n"
                    + "first = sys.stdin.buffer.read()\n"
                    + "again = sys.stdin.buffer.read()\n"
                    + "print(repr(first), repr(again), stat.S_ISREG(os.fstat(0).st_mode))\n")
            .stdin("only this")
            .wallMs(GENEROUS_WALL);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).isEqualTo("b'only this' b'' True\n");
    assertThat(outcome.run().wallTimeMs()).isLessThan(LOOSE_WALL_BOUND);
  }

  static Stream<Arguments> selfStoppers() {
    return Stream.of(
        Arguments.of("bash", "main.sh", "echo stopping\nkill -STOP $$\necho resumed\n"),
        Arguments.of(
            "python",
            "main.py",
            "import os, signal\nprint('stopping', flush=True)\nos.kill(os.getpid(), signal.SIGSTOP)\nprint('resumed')\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selfStoppers")
  void shouldKillAProgramThatStopsItselfAtTheWallLimit(String language, String file, String code) {
    // given
    var job = harness.job(language).file(file, code).wallMs(WALL_LIMIT);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.WALL_TIME);
    assertThat(stdout(outcome)).isEqualTo("stopping\n");
  }

  @Test
  void shouldStillEnforceTheCpuLimitAfterTheProgramClosedItsOutput() {
    // given: with stdout and stderr closed the attach stream must not look finished
    var job =
        harness
            .job("bash")
            .file("main.sh", "exec >&- 2>&- <&-\nwhile :; do :; done\n")
            .cpuMs(CPU_LIMIT)
            .wallMs(GENEROUS_WALL);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.CPU_TIME);
  }

  @Test
  void shouldStillEnforceTheWallLimitAfterTheProgramClosedItsOutput() {
    // given
    var job =
        harness
            .job("bash")
            .file("main.sh", "exec >&- 2>&- <&-\nsleep 60\n")
            .wallMs(SHORT_WALL_LIMIT);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.WALL_TIME);
    assertThat(outcome.run().wallTimeMs()).isBetween(SHORT_WALL_LIMIT, SHORT_WALL_LIMIT + SLACK_MS);
  }
}
