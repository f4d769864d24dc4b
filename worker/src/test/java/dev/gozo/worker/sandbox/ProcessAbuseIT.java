package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.hostProcessesOfContainer;
import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fork bombs, thread bombs and processes that try to outlive their job. The pids limit caps how
 * many tasks (processes and threads) a sandbox has; the container's init is its PID 1, so when the
 * program's main process ends, the kernel kills everything else in the sandbox.
 */
class ProcessAbuseIT {

  private static final long WALL_LIMIT = 2000;
  private static final long SLACK_MS = CpuAndWallAbuseIT.SLACK_MS;
  private static final int PROCESS_LIMIT = 16;

  private static SandboxHarness harness;

  @BeforeAll
  static void startSandbox() {
    harness = new SandboxHarness(1);
  }

  @AfterAll
  static void removeEverything() {
    harness.close();
  }

  /**
   * The checks that no process of a job is left on the host pass trivially if the probe cannot see
   * a container's processes at all (a cgroup layout it does not know, a /proc of another pid
   * namespace): it must see those of a live container, and none once the container is gone.
   */
  @Test
  void shouldSeeTheHostProcessesOfALiveContainerAndNoneOnceItIsRemoved() {
    String id = SandboxHarness.startHandMadeSandbox(harness.api, harness.owner);
    String shortId = id.substring(0, 12);
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(hostProcessesOfContainer(shortId))
                      .anySatisfy(process -> assertThat(process).contains("sleep 300")));
    } finally {
      harness.api.removeContainerCmd(id).withForce(true).exec();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(hostProcessesOfContainer(shortId)).isEmpty());
  }

  /** After every abuse: the host still works, i.e. an ordinary job runs at once and succeeds. */
  @AfterEach
  void hostKeepsWorking() {
    long start = System.nanoTime();
    Outcome outcome = harness.job("python").file("main.py", "print('still here')\n").run();
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).isEqualTo("still here\n");
    assertThat(tookMs).isLessThan(5000);
  }

  static Stream<Arguments> forkBombs() {
    return Stream.of(
        Arguments.of("bash", "main.sh", ":(){ :|:& };:\nsleep 60\n"),
        Arguments.of("c", "main.c", "#include <unistd.h>\nint main(void) { for (;;) fork(); }\n"),
        Arguments.of(
            "python",
            "main.py",
            "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forkBombs")
  void shouldKillAForkBombWithinTheTimeLimit(String language, String file, String code) {
    // given
    var job =
        harness
            .job(language)
            .file(file, code)
            .processes(PROCESS_LIMIT)
            .wallMs(WALL_LIMIT)
            .cpuMs(WALL_LIMIT);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().wallTimeMs()).isLessThanOrEqualTo(WALL_LIMIT + SLACK_MS);
  }

  @Test
  void shouldNotLetTheClassicForkBombOutliveItsJob() {
    // given: the classic bomb backgrounds itself; the script's main process may end at once (the
    // job then ends with it) or get stuck retrying its own forks (the time limit ends it)
    var job =
        harness
            .job("bash")
            .file("main.sh", "echo \"$HOSTNAME\"\n:(){ :|:& };:\n")
            .processes(PROCESS_LIMIT)
            .wallMs(WALL_LIMIT);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome)
        .as(outcome.message())
        .isInstanceOfAny(Outcome.Succeeded.class, Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().wallTimeMs()).isLessThanOrEqualTo(WALL_LIMIT + SLACK_MS);
    String container = stdout(outcome).trim();
    assertThat(container).hasSize(12);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(hostProcessesOfContainer(container)).isEmpty());
  }

  @Test
  void shouldStopForkingAtTheProcessLimit() {
    // given: children that park themselves, counted until fork fails
    var job =
        harness
            .job("c")
            .file(
                "main.c",
                "#include <errno.h>\n#include <stdio.h>\n#include <string.h>\n#include <unistd.h>\n"
                    + "int main(void) {\n"
                    + "  int made = 0;\n"
                    + "  for (;;) {\n"
                    + "    pid_t pid = fork();\n"
                    + "    if (pid == 0) { pause(); _exit(0); }\n"
                    + "    if (pid < 0) { printf(\"%d %s\\n\", made, strerror(errno)); return 0; }\n"
                    + "    made++;\n"
                    + "    if (made > 10000) { printf(\"unlimited\\n\"); return 1; }\n"
                    + "  }\n"
                    + "}\n")
            .processes(PROCESS_LIMIT)
            .wallMs(WALL_LIMIT);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    String[] result = stdout(outcome).trim().split(" ", 2);
    assertThat(Integer.parseInt(result[0])).isPositive().isLessThan(PROCESS_LIMIT);
    assertThat(result[1]).isEqualTo("Resource temporarily unavailable");
  }

  static Stream<Arguments> threadBombs() {
    return Stream.of(
        Arguments.of(
            "c",
            "main.c",
            "#include <pthread.h>\n#include <stdio.h>\n#include <unistd.h>\n"
                + "static void *park(void *arg) { pause(); return arg; }\n"
                + "int main(void) {\n"
                + "  pthread_attr_t attr; pthread_attr_init(&attr); pthread_attr_setstacksize(&attr, 65536);\n"
                + "  int made = 0; pthread_t t;\n"
                + "  while (made < 10000 && pthread_create(&t, &attr, park, 0) == 0) made++;\n"
                + "  printf(\"%d\\n\", made);\n"
                + "  return 0;\n"
                + "}\n"),
        Arguments.of(
            "python",
            "main.py",
            "import threading, time\n"
                + "made = 0\n"
                + "try:\n"
                + "    while made < 10000:\n"
                + "        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
                + "        made += 1\n"
                + "except RuntimeError:\n"
                + "    pass\n"
                + "print(made)\n"),
        Arguments.of(
            "java",
            "Main.java",
            "public class Main { public static void main(String[] a) {\n"
                + "  int made = 0;\n"
                + "  try {\n"
                + "    while (made < 10000) {\n"
                + "      Thread t = new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } });\n"
                + "      t.setDaemon(true); t.start(); made++;\n"
                + "    }\n"
                + "  } catch (OutOfMemoryError e) { }\n"
                + "  System.out.println(made);\n"
                + "} }\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("threadBombs")
  void shouldStopCreatingThreadsAtTheProcessLimit(String language, String file, String code) {
    // given: threads are tasks too, so they count against the same limit
    var job = harness.job(language).file(file, code).processes(32).wallMs(5000);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    String[] lines = stdout(outcome).trim().split("\n"); // the JVM also warns on stdout
    assertThat(Integer.parseInt(lines[lines.length - 1])).isPositive().isLessThan(32);
  }

  static Stream<Arguments> escapers() {
    return Stream.of(
        Arguments.of("bash", "main.sh", "sleep 1000 &\necho main done\n"),
        Arguments.of("bash", "main.sh", "nohup sleep 1000 > /dev/null 2>&1 &\necho main done\n"),
        Arguments.of("bash", "main.sh", "setsid sleep 1000 &\ndisown -a\necho main done\n"),
        Arguments.of(
            "python",
            "main.py",
            "import os, time\n"
                + "if os.fork() == 0:\n"
                + "    os.setsid()\n"
                + "    if os.fork() == 0:\n"
                + "        os.closerange(0, 3)\n"
                + "        time.sleep(1000)\n"
                + "    os._exit(0)\n"
                + "os.wait()\n"
                + "print('main done')\n"),
        Arguments.of(
            "c",
            "main.c",
            "#include <stdio.h>\n#include <stdlib.h>\n#include <unistd.h>\n"
                + "int main(void) {\n"
                + "  if (fork() == 0) { if (daemon(0, 0) == 0) { for (;;) pause(); } _exit(1); }\n"
                + "  printf(\"main done\\n\");\n"
                + "  return 0;\n"
                + "}\n"),
        Arguments.of(
            "javascript",
            "main.js",
            "const { spawn } = require('child_process');\n"
                + "spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' }).unref();\n"
                + "console.log('main done');\n"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("escapers")
  void shouldEndTheJobWhenTheMainProcessEndsEvenIfAChildLivesOn(
      String language, String file, String code) {
    // given
    var job = harness.job(language).file(file, code).wallMs(20_000);

    // when
    Outcome outcome = job.run();

    // then: the job is over when main is, not at the wall limit
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).isEqualTo("main done\n");
    assertThat(outcome.run().wallTimeMs()).isLessThan(5000);
  }

  @Test
  void shouldKillABackgroundChildWithItsJob() {
    // given: a job that leaves a detached child behind and tells us its container
    var job =
        harness
            .job("bash")
            .file(
                "main.sh",
                "setsid nohup sleep 4242 > /dev/null 2>&1 &\nsleep 0.2\necho \"$HOSTNAME\"\n");

    // when
    Outcome first = job.run();
    String container = stdout(first).trim();
    Outcome second =
        harness
            .job("bash")
            .file(
                "main.sh",
                "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done\n")
            .run();

    // then: on the host nothing of the first job is left, and the next job sees none of it
    assertThat(first).as(first.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(container).hasSize(12);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(hostProcessesOfContainer(container)).isEmpty());
    assertThat(stdout(second)).doesNotContain("4242").contains("bash main.sh");
  }
}
