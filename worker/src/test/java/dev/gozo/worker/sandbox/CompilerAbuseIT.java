package dev.gozo.worker.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.worker.sandbox.StepReport.LimitHit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Source code that attacks the compiler rather than running anything: endless includes, template
 * explosions, compile-time evaluation. The compile step has its own limits (the catalogue's
 * compileLimits) and ends in COMPILE_ERROR (including the compiler running out of memory) or
 * TIME_LIMIT_EXCEEDED; the program never runs.
 */
class CompilerAbuseIT {

  private static SandboxHarness harness;

  @BeforeAll
  static void startSandbox() {
    harness = new SandboxHarness(1);
  }

  @AfterAll
  static void removeEverything() {
    harness.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/dev/zero", "/dev/random", "/dev/urandom"})
  void shouldStopIncludingAnEndlessDeviceWithinTheCompileLimits(String device) {
    // given: the preprocessor reads the "file" until memory or time runs out
    var job =
        harness
            .job("c")
            .file("main.c", "#include \"" + device + "\"\nint main(void) { return 0; }\n");

    // when
    Outcome outcome = job.run();

    // then
    assertEndedWithinTheCompileLimits(outcome, job.build());
  }

  @Test
  void shouldStopAnExponentialTemplateInstantiationWithinTheCompileLimits() {
    // given: every level doubles the type; the compiler's error message would print 2^900 names
    var job =
        harness
            .job("cpp")
            .file(
                "main.cpp",
                "#include <utility>\n"
                    + "template <class T> struct Grow { using type = typename Grow<std::pair<T, T>>::type; };\n"
                    + "int main() { Grow<int>::type x; (void) x; return 0; }\n")
            .compileLimits(
                6000, 4000, 384); // tighter than the catalogue's, to keep the suite short

    // when
    Outcome outcome = job.run();

    // then
    assertEndedWithinTheCompileLimits(outcome, job.build());
  }

  @Test
  void shouldStopEndlessCompileTimeEvaluationWithinTheCompileLimits() {
    // given: naive Fibonacci evaluated by the compiler (about 2^90 steps)
    var job =
        harness
            .job("cpp")
            .file(
                "main.cpp",
                "constexpr long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n"
                    + "constexpr long value = fib(90);\n"
                    + "int main() { return value == 0; }\n");

    // when
    Outcome outcome = job.run();

    // then
    assertEndedWithinTheCompileLimits(outcome, job.build());
  }

  @Test
  void shouldStopARecursiveIncludeOfTheSourceItself() {
    // given
    var job =
        harness.job("c").file("main.c", "#include \"main.c\"\nint main(void) { return 0; }\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.CompileError.class);
    assertThat(new String(outcome.compile().stderr(), StandardCharsets.UTF_8))
        .contains("nested depth");
  }

  @Test
  void shouldNeverRunAnnotationProcessorsShippedWithTheJob() throws IOException {
    // given: javac would run annotation processors it finds on its class path, here one shipped
    // as a job file that announces itself and spins; the catalogue compiles with -proc:none
    var job =
        harness
            .job("java")
            .file(
                "Main.java",
                "public class Main { public static void main(String[] a) { System.out.println(\"ran\"); } }\n")
            .file("Spin.class", compiledProcessor())
            .file("META-INF/services/javax.annotation.processing.Processor", "Spin\n")
            .compileLimits(8000, 2000, 512);

    // when
    Outcome outcome = job.run();

    // then: the processor never ran; the program compiled and ran normally
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(new String(outcome.compile().stderr(), StandardCharsets.UTF_8))
        .doesNotContain("processor ran at compile time");
    assertThat(new String(outcome.run().stdout(), StandardCharsets.UTF_8)).isEqualTo("ran\n");
  }

  /** An annotation processor that announces itself and then spins, compiled by the test's JDK. */
  private static byte[] compiledProcessor() throws IOException {
    Path dir = Files.createTempDirectory("gozo-processor");
    try {
      Path source = dir.resolve("Spin.java");
      Files.writeString(
          source,
          "import java.util.Set;\n"
              + "import javax.annotation.processing.*;\n"
              + "import javax.lang.model.SourceVersion;\n"
              + "import javax.lang.model.element.TypeElement;\n"
              + "@SupportedAnnotationTypes(\"*\")\n"
              + "public class Spin extends AbstractProcessor {\n"
              + "  @Override public SourceVersion getSupportedSourceVersion() { return SourceVersion.latestSupported(); }\n"
              + "  @Override public boolean process(Set<? extends TypeElement> a, RoundEnvironment r) {\n"
              + "    System.err.println(\"processor ran at compile time\");\n"
              + "    long n = 0; while (n >= 0) { n++; }\n"
              + "    return false;\n"
              + "  }\n"
              + "}\n");
      int status =
          ToolProvider.getSystemJavaCompiler()
              .run(null, null, null, "--release", "17", "-d", dir.toString(), source.toString());
      assertThat(status).isZero();
      return Files.readAllBytes(dir.resolve("Spin.class"));
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static void assertEndedWithinTheCompileLimits(Outcome outcome, SandboxJob job) {
    assertThat(outcome)
        .as(outcome.message())
        .isInstanceOfAny(Outcome.CompileError.class, Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run()).as("the program never ran").isNull();
    StepReport compile = outcome.compile();
    assertThat(compile).isNotNull();
    assertThat(compile.wallTimeMs())
        .isLessThanOrEqualTo(job.compileLimits().wallTimeMs() + CpuAndWallAbuseIT.SLACK_MS);
    assertThat(compile.memoryBytes()).isLessThanOrEqualTo(job.compileLimits().memoryBytes());
    if (outcome instanceof Outcome.TimeLimitExceeded) {
      assertThat(compile.limitHit()).isIn(LimitHit.CPU_TIME, LimitHit.WALL_TIME);
    }
  }
}
