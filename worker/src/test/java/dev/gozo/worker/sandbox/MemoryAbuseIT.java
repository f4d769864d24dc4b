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
 * Programs that take more memory than they may, at once or a little at a time. Memory is capped by
 * the kernel (memory = memory+swap, so nothing is swapped out); the verdict comes from the kernel's
 * OOM kill, never from a language runtime's own out-of-memory error.
 */
class MemoryAbuseIT {

  private static final int SMALL_MB = 64;
  private static final int JAVA_MB = 256;

  private static SandboxHarness harness;

  @BeforeAll
  static void startSandbox() {
    harness = new SandboxHarness(1);
  }

  @AfterAll
  static void removeEverything() {
    harness.close();
  }

  static Stream<Arguments> greedyPrograms() {
    return Stream.of(
        Arguments.of(
            "python sudden",
            "python",
            "main.py",
            SMALL_MB,
            "x = b'\\x01' * (300 * 1024 * 1024)\nprint(len(x))\n"),
        Arguments.of(
            "python gradual",
            "python",
            "main.py",
            SMALL_MB,
            "chunks = []\nwhile True:\n    chunks.append(b'\\x01' * (1024 * 1024))\n"),
        Arguments.of(
            "c sudden",
            "c",
            "main.c",
            SMALL_MB,
            "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
                + "int main(void) { size_t n = 300u << 20; volatile char *p = malloc(n); if (!p) return 2;"
                + " for (size_t i = 0; i < n; i += 4096) p[i] = 1; printf(\"%d\\n\", p[n / 2]); return 0; }\n"),
        Arguments.of(
            "c gradual",
            "c",
            "main.c",
            SMALL_MB,
            "#include <stdlib.h>\n#include <string.h>\n"
                + "int main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 2;"
                + " memset(p, 1, 1 << 20); } }\n"),
        Arguments.of(
            "java sudden",
            "java",
            "Main.java",
            JAVA_MB,
            "public class Main { public static void main(String[] a) {"
                + " byte[] b = new byte[600 << 20]; System.out.println(b.length); } }\n"),
        Arguments.of(
            "java gradual",
            "java",
            "Main.java",
            JAVA_MB,
            "import java.util.*;\npublic class Main { public static void main(String[] a) {"
                + " List<byte[]> keep = new ArrayList<>();"
                + " while (true) { keep.add(new byte[1 << 20]); } } }\n"),
        Arguments.of(
            "javascript gradual",
            "javascript",
            "main.js",
            SMALL_MB * 2,
            "const keep = [];\nfor (;;) { keep.push(Buffer.alloc(1 << 20, 1)); }\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("greedyPrograms")
  void shouldReportTheKernelsOomKillAsMemoryLimitExceeded(
      String name, String language, String file, int memoryMb, String code) {
    // given
    var job = harness.job(language).file(file, code).memoryMb(memoryMb).wallMs(10_000).cpuMs(8_000);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.MemoryLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(LimitHit.MEMORY);
    assertThat(outcome.run().signal()).isEqualTo(9);
    assertThat(outcome.run().memoryBytes()).isLessThanOrEqualTo(memoryMb * 1024L * 1024L);
  }

  @Test
  void shouldStartTheJvmUnderOrdinaryLimits() {
    // given: the JVM's heap ceiling is above the container's, yet it must start small
    var job =
        harness
            .job("java")
            .file(
                "Main.java",
                "public class Main { public static void main(String[] a) {"
                    + " System.out.println(Runtime.getRuntime().maxMemory() > (1L << 30)); } }\n")
            .memoryMb(128);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).isEqualTo("true\n");
  }

  @Test
  void shouldLetAProgramUseMemoryJustBelowItsLimit() {
    // given
    var job =
        harness
            .job("python")
            .file("main.py", "x = b'\\x01' * (40 * 1024 * 1024)\nprint(len(x))\n")
            .memoryMb(SMALL_MB);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(outcome.run().memoryBytes()).isGreaterThan(40L * 1024 * 1024);
  }
}
