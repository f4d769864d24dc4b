package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stderr;
import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox contract, against the real Docker engine and real interpreters. */
class DockerSandboxIT {

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
  void shouldRunPythonWithStdinAndArgs() {
    Outcome outcome =
        harness
            .job("python")
            .file("main.py", "import sys\nprint(sys.argv[1:], input())\n")
            .stdin("hello\n")
            .args("a b", "$(id)", "'quoted'")
            .run();

    assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).isEqualTo("['a b', '$(id)', \"'quoted'\"] hello\n");
    assertThat(outcome.run().exitCode()).isZero();
    assertThat(outcome.run().wallTimeMs()).isPositive();
    assertThat(outcome.run().memoryBytes()).isPositive();
  }

  @Test
  void shouldImportModulesFromSubdirectories() {
    Outcome outcome =
        harness
            .job("python")
            .file("main.py", "from pkg.util import greet\nprint(greet())\n")
            .file("pkg/__init__.py", "")
            .file("pkg/util.py", "def greet():\n    return 'hi from pkg'\n")
            .run();

    assertThat(stdout(outcome)).isEqualTo("hi from pkg\n");
  }

  @Test
  void shouldReportNonZeroExitAsRuntimeError() {
    Outcome outcome =
        harness
            .job("python")
            .file("main.py", "import sys\nprint('bye', file=sys.stderr)\nsys.exit(3)\n")
            .run();

    assertThat(outcome).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(outcome.run().exitCode()).isEqualTo(3);
    assertThat(outcome.run().signal()).isZero();
    assertThat(stderr(outcome)).isEqualTo("bye\n");
  }

  @Test
  void shouldReportTheSignalThatKilledTheProgram() {
    Outcome outcome =
        harness
            .job("python")
            .file("main.py", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
            .run();

    assertThat(outcome).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(outcome.run().signal()).isEqualTo(11);
    assertThat(outcome.message()).contains("SIGSEGV");
  }

  @Test
  void shouldKillAnInfiniteLoopAtTheCpuLimit() {
    Outcome outcome =
        harness.job("python").file("main.py", "while True: pass\n").cpuMs(1000).wallMs(10000).run();

    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(StepReport.LimitHit.CPU_TIME);
    assertThat(outcome.run().wallTimeMs())
        .isLessThan(10_000); // the CPU limit, not the wall limit, ended it
  }

  @Test
  void shouldKillASleeperAtTheWallLimit() {
    Outcome outcome = harness.job("bash").file("main.sh", "sleep 100\n").wallMs(1000).run();

    assertThat(outcome).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(StepReport.LimitHit.WALL_TIME);
    assertThat(outcome.run().wallTimeMs()).isBetween(1000L, 2500L);
  }

  @Test
  void shouldReportTheKernelsOomKillAsMemoryLimitExceeded() {
    Outcome outcome =
        harness
            .job("python")
            .file("main.py", "x = bytearray(300 * 1024 * 1024)\nprint(len(x))\n")
            .memoryMb(64)
            .run();

    assertThat(outcome).isInstanceOf(Outcome.MemoryLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(StepReport.LimitHit.MEMORY);
  }

  @Test
  void shouldStopEndlessOutputAtTheLimitWhileStreaming() {
    Outcome outcome =
        harness
            .job("python")
            .file("main.py", "while True: print('y' * 1000)\n")
            .outputBytes(10_000)
            .run();

    assertThat(outcome).isInstanceOf(Outcome.OutputLimitExceeded.class);
    assertThat(outcome.run().stdout()).hasSize(10_000);
    assertThat(outcome.run().stdoutTruncated()).isTrue();
  }

  @Test
  void shouldCompileAndRunC() {
    Outcome outcome =
        harness
            .job("c")
            .file(
                "main.c",
                "#include <stdio.h>\nint main(int c, char**v){char b[64]; scanf(\"%63s\", b); printf(\"%s %s\\n\", b, v[1]); return 0;}\n")
            .stdin("hello")
            .args("world")
            .run();

    assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).isEqualTo("hello world\n");
    assertThat(outcome.compile()).isNotNull();
    assertThat(outcome.compile().exitCode()).isZero();
  }

  @Test
  void shouldReportCompilerErrorsAsCompileError() {
    Outcome outcome = harness.job("cpp").file("main.cpp", "int main() { return missing; }\n").run();

    assertThat(outcome).isInstanceOf(Outcome.CompileError.class);
    assertThat(new String(outcome.compile().stderr(), StandardCharsets.UTF_8)).contains("missing");
    assertThat(outcome.run()).isNull();
  }

  @Test
  void shouldCompileAndRunJavaUnderDefaultLimits() {
    Outcome outcome =
        harness
            .job("java")
            .file(
                "Main.java",
                "public class Main { public static void main(String[] a) { System.out.println(\"hi \" + Helper.name()); } }\n")
            .file("Helper.java", "class Helper { static String name() { return \"java\"; } }\n")
            .run();

    assertThat(outcome).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).isEqualTo("hi java\n");
  }

  @Test
  void shouldRunJavaScript() {
    Outcome outcome =
        harness
            .job("javascript")
            .file("main.js", "console.log(process.argv.slice(2).join(','))\n")
            .args("x", "y")
            .run();

    assertThat(stdout(outcome)).isEqualTo("x,y\n");
  }

  @Test
  void shouldRemoveEveryContainerItUsed() {
    harness.job("bash").file("main.sh", "echo hi\n").run();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(harness.containersOfThisTest())
                    .allSatisfy(c -> assertThat(c.getState()).isEqualTo("running")));
  }
}
