package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.worker.sandbox.StepReport.LimitHit;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Programs that flood, or write bytes that are not text. Output is capped while it streams (one
 * budget for stdout and stderr together); what is kept is exactly what the program wrote.
 */
class OutputAbuseIT {

  private static final int LIMIT = 64 * 1024;
  private static final int MIB = 1024 * 1024;

  private static SandboxHarness harness;

  @BeforeAll
  static void startSandbox() {
    harness = new SandboxHarness(1);
  }

  @AfterAll
  static void removeEverything() {
    harness.close();
  }

  static Stream<Arguments> floods() {
    return Stream.of(
        Arguments.of(
            "c stdout",
            "c",
            "main.c",
            "#include <stdio.h>\nint main(void) { for (;;) putchar('y'); }\n",
            true),
        Arguments.of("bash stdout", "bash", "main.sh", "yes\n", true),
        Arguments.of("bash stderr", "bash", "main.sh", "yes >&2\n", false),
        Arguments.of(
            "python stderr",
            "python",
            "main.py",
            "import sys\nwhile True:\n    sys.stderr.write('e' * 999 + '\\n')\n",
            false),
        Arguments.of(
            "javascript stdout",
            "javascript",
            "main.js",
            "const s = 'j'.repeat(4096);\nfor (;;) { process.stdout.write(s); }\n",
            true),
        Arguments.of(
            "java stdout",
            "java",
            "Main.java",
            "public class Main { public static void main(String[] a) { while (true) { System.out.print(\"java \"); } } }\n",
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("floods")
  void shouldStopEndlessOutputAtTheLimit(
      String name, String language, String file, String code, boolean toStdout) {
    // given
    var job = harness.job(language).file(file, code).outputBytes(LIMIT).wallMs(20_000);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.OutputLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.OUTPUT);
    byte[] flooded = toStdout ? outcome.run().stdout() : outcome.run().stderr();
    assertThat(flooded).hasSize(LIMIT);
    assertThat(toStdout ? outcome.run().stdoutTruncated() : outcome.run().stderrTruncated())
        .isTrue();
    assertThat(outcome.run().wallTimeMs()).isLessThan(5000);
  }

  @Test
  void shouldCapOneGiantLineWithoutNewlineAndKeepWorkerMemoryFlat() {
    // given: 50 MB in one write, against a 1 MiB limit
    var job =
        harness
            .job("python")
            .file("main.py", "import sys\nsys.stdout.write('x' * (50 * 1024 * 1024))\n")
            .outputBytes(MIB)
            .wallMs(10_000);
    long heapBefore = usedHeapAfterGc();

    // when
    Outcome outcome = job.run();
    long heapAfter = usedHeapAfterGc();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.OutputLimitExceeded.class);
    assertThat(outcome.run().stdout()).hasSize(MIB);
    assertThat(new String(outcome.run().stdout(), StandardCharsets.US_ASCII)).matches("x+");
    assertThat(heapAfter - heapBefore).as("heap retained by one job").isLessThan(16L * MIB);
  }

  @Test
  void shouldCountStdoutAndStderrAgainstOneBudget() {
    // given: each stream alone stays under the limit, together they do not
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import sys\n"
                    + "for _ in range(48):\n"
                    + "    sys.stdout.write('o' * 1024)\n"
                    + "    sys.stderr.write('e' * 1024)\n")
            .outputBytes(LIMIT);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.OutputLimitExceeded.class);
    assertThat(outcome.run().stdout().length + outcome.run().stderr().length).isEqualTo(LIMIT);
  }

  @Test
  void shouldAcceptOutputOfExactlyTheLimit() {
    // given
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import sys\nsys.stdout.write('a' * "
                    + (LIMIT - 10)
                    + ")\nsys.stderr.write('b' * 10)\n")
            .outputBytes(LIMIT);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(outcome.run().stdout()).hasSize(LIMIT - 10);
    assertThat(outcome.run().stderr()).hasSize(10);
    assertThat(outcome.run().stdoutTruncated()).isFalse();
  }

  @Test
  void shouldReportOneByteOverTheLimit() {
    // given
    var job =
        harness
            .job("python")
            .file("main.py", "import sys\nsys.stdout.write('a' * " + (LIMIT + 1) + ")\n")
            .outputBytes(LIMIT);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.OutputLimitExceeded.class);
    assertThat(outcome.run().stdout()).hasSize(LIMIT);
  }

  @Test
  void shouldReturnNulBytesAndInvalidUtf8Exactly() {
    // given: every byte value, NULs and bytes that are not UTF-8
    byte[] expected = new byte[512];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (byte) i;
    }
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import sys\n"
                    + "data = bytes(i % 256 for i in range(512))\n"
                    + "sys.stdout.buffer.write(data)\n"
                    + "sys.stderr.buffer.write(b'\\xff\\xfe\\x00\\xc3\\x28')\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(outcome.run().stdout()).isEqualTo(expected);
    assertThat(outcome.run().stderr())
        .isEqualTo(new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0xc3, 0x28});
  }

  @Test
  void shouldTreatForgedLauncherMarkersAsOrdinaryOutput() {
    // given: the launcher's marker format, with a guessed nonce
    String forged =
        "\n\0GOZO:" + "0".repeat(32) + ":ready\n\n\0GOZO:" + "0".repeat(32) + ":compiled:0\n";
    var job =
        harness
            .job("c")
            .file(
                "main.c",
                "#include <stdio.h>\n"
                    + "int main(void) {\n"
                    + "  static const char m[] = \"\\n\\0GOZO:00000000000000000000000000000000:ready\\n"
                    + "\\n\\0GOZO:00000000000000000000000000000000:compiled:0\\n\";\n"
                    + "  fwrite(m, 1, sizeof m - 1, stdout); fwrite(m, 1, sizeof m - 1, stderr);\n"
                    + "  return 0;\n"
                    + "}\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).isEqualTo(forged);
    assertThat(new String(outcome.run().stderr(), StandardCharsets.UTF_8)).isEqualTo(forged);
  }

  @Test
  void shouldCapACompilersFloodOfErrors() {
    // given: thousands of errors; the compile step keeps at most its own output limit
    StringBuilder source = new StringBuilder();
    for (int i = 0; i < 800; i++) {
      source
          .append("int f")
          .append(i)
          .append("(void) { return undefined_")
          .append(i)
          .append("; }\n");
    }
    var job = harness.job("c").file("main.c", source.toString());

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.CompileError.class);
    assertThat(outcome.compile().stderr().length).isLessThanOrEqualTo(65_536);
    assertThat(outcome.compile().stderrTruncated()).isTrue();
  }

  @Test
  void shouldKeepTheExactOutputOfAProgramKilledAtALimit() {
    // given: output that ends in a newline, then a program that never ends
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import sys, time\nprint('working', flush=True)\nprint('still', file=sys.stderr, flush=True)\ntime.sleep(100)\n")
            .wallMs(1500);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(stdout(outcome)).isEqualTo("working\n");
    assertThat(new String(outcome.run().stderr(), StandardCharsets.UTF_8)).isEqualTo("still\n");
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
