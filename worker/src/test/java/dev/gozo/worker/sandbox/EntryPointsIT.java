package dev.gozo.worker.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JVM entry points are found from what was compiled (issue 20): the one class that declares {@code
 * main} runs whatever the files are called; two candidates are a COMPILE_ERROR that names both,
 * unless one of them is the entry file's own class.
 */
class EntryPointsIT {

  private static SandboxHarness harness;

  @BeforeAll
  static void start() {
    harness = new SandboxHarness(0);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void shouldRunTheOnlyClassWithMainWhateverTheFileIsCalled() {
    Outcome outcome =
        harness.sandbox.run(
            harness
                .job("java")
                .file(
                    "solution.java",
                    "class Solution { public static void main(String[] a) {"
                        + " System.out.println(Helper.twice(21)); } }")
                .file(
                    "util/helper.java",
                    "class Helper { static int twice(int x) { return 2 * x; } }")
                .build());

    assertThat(outcome).as(SandboxHarness.stderr(outcome)).isInstanceOf(Outcome.Succeeded.class);
    assertThat(SandboxHarness.stdout(outcome)).isEqualTo("42\n");
  }

  @Test
  void shouldRefuseTwoMainsNamingBothCandidates() {
    Outcome outcome =
        harness.sandbox.run(
            harness
                .job("java")
                .file(
                    "start.java",
                    "class Alpha { public static void main(String[] a) { System.out.println(1); } }")
                .file(
                    "other.java",
                    "class Beta { public static void main(String[] a) { System.out.println(2); } }")
                .build());

    assertThat(outcome).isInstanceOf(Outcome.CompileError.class);
    assertThat(new String(outcome.compile().stderr(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("several classes declare a main method")
        .contains("Alpha")
        .contains("Beta");
  }

  @Test
  void shouldPreferTheEntryFilesOwnClassAmongSeveralMains() {
    Outcome outcome =
        harness.sandbox.run(
            harness
                .job("java")
                .file(
                    "Main.java",
                    "class Main { public static void main(String[] a) { System.out.println(\"main\"); } }")
                .file(
                    "Tool.java",
                    "class Tool { public static void main(String[] a) { System.out.println(\"tool\"); } }")
                .build());

    assertThat(outcome).as(SandboxHarness.stderr(outcome)).isInstanceOf(Outcome.Succeeded.class);
    assertThat(SandboxHarness.stdout(outcome)).isEqualTo("main\n");
  }
}
