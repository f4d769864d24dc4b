package dev.gozo.worker.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.protocol.v1.Runtime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every language of the runtime catalogue, proven through the real sandbox by its samples: one file
 * per language in {@code deploy/runtimes/samples/<language>.json} (format in the README there),
 * plus the toolchain's own version report against the catalogue's {@code version}. Adding a
 * language without samples fails {@link #shouldHaveSamplesForEveryLanguage}.
 *
 * <p>Two languages run at a time (the sandbox gives each job one CPU; CI has two), the slowest
 * compilers first, while JUnit reports case by case. Each language gets its own sandbox with a warm
 * pool, closed when its cases are done: one pool for all languages would keep an idle container,
 * and an attached stream, per language. {@code -Dgozo.languages=kotlin,scala} limits a run to some
 * languages.
 */
class LanguagesIT {

  /** Case names, in the order they are reported; see samples/README.md. */
  static final List<String> CASES =
      List.of("hello", "stdin", "args", "compileError", "runtimeError", "modules", "entryName");

  /**
   * Cases a language may have but need not: {@code entryName} is hello world from an entry file
   * named otherwise than the catalogue's (users do not name files after our catalogue).
   */
  static final List<String> OPTIONAL_CASES = List.of("entryName");

  static final String HELLO = "Hello, World!\n";
  static final String DEFAULT_STDIN = "Hello from stdin\nsecond line: ünïcødé\n";
  static final List<String> DEFAULT_ARGS = List.of("one", "two words", "$HOME", "--flag");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SAMPLES = repositoryPath("deploy/runtimes/samples");
  private static final RuntimeCatalogue CATALOGUE = RuntimeCatalogue.bundled();

  private static ExecutorService runner;

  @BeforeAll
  static void startRunner() {
    runner = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stopRunner() {
    runner.shutdownNow();
  }

  @Test
  void shouldHaveSamplesForEveryLanguage() throws IOException {
    Set<String> languages = languages(false);
    Set<String> sampleFiles;
    try (Stream<Path> files = Files.list(SAMPLES)) {
      sampleFiles =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .map(n -> n.substring(0, n.length() - ".json".length()))
              .collect(Collectors.toCollection(TreeSet::new));
    }

    assertThat(sampleFiles)
        .as("samples of languages the catalogue does not have")
        .isSubsetOf(languages);
    for (String language : languages) {
      assertThat(sampleFiles).as("deploy/runtimes/samples/%s.json", language).contains(language);
      JsonNode samples = samples(language);
      assertThat(samples.path("language").asText()).isEqualTo(language);
      Set<String> given = fieldNames(samples.path("cases"));
      Set<String> excused = fieldNames(samples.path("notApplicable"));
      assertThat(given).as("%s: unknown case names", language).isSubsetOf(CASES);
      samples
          .path("notApplicable")
          .fields()
          .forEachRemaining(
              e ->
                  assertThat(e.getValue().asText())
                      .as("%s: why is %s not applicable", language, e.getKey())
                      .isNotBlank());
      boolean compiled = !runtime(language).getCompileCommand().isBlank();
      for (String required : CASES) {
        if (OPTIONAL_CASES.contains(required)) {
          continue;
        }
        if (required.equals("compileError") && !compiled) {
          assertThat(given)
              .as("%s is interpreted: no compileError case", language)
              .doesNotContain(required);
          continue;
        }
        assertThat(given.contains(required) || excused.contains(required))
            .as("%s: case %s is missing and not excused in notApplicable", language, required)
            .isTrue();
      }
    }
  }

  @TestFactory
  Stream<DynamicNode> everyLanguageRunsItsSamplesAndReportsItsVersion() {
    Map<String, CompletableFuture<Map<String, Result>>> pending = new LinkedHashMap<>();
    // The slowest compilers start first so that they do not form the tail of the run.
    List<String> order = new ArrayList<>(languages(true));
    order.sort(Comparator.comparing(LanguagesIT::heavy).reversed());
    for (String language : order) {
      pending.put(language, CompletableFuture.supplyAsync(() -> runLanguage(language), runner));
    }
    return languages(true).stream()
        .map(
            language -> {
              List<String> names = new ArrayList<>(fieldNames(samples(language).path("cases")));
              names.sort(Comparator.comparing(CASES::indexOf));
              names.add("version");
              return DynamicContainer.dynamicContainer(
                  language,
                  names.stream()
                      .map(
                          name ->
                              dynamicTest(
                                  name, () -> pending.get(language).join().get(name).check())));
            });
  }

  // --- running cases -------------------------------------------------------------------------

  /** A case's outcome and the expectations it is checked against. */
  record Result(String language, String caseName, Outcome outcome, Expectation expected) {
    void check() {
      expected.verify(language + "/" + caseName, outcome);
    }
  }

  /** Every sample case of a language, then its version, in a sandbox of its own. */
  private static Map<String, Result> runLanguage(String language) {
    Map<String, Result> results = new LinkedHashMap<>();
    try (SandboxHarness harness = new SandboxHarness(1)) {
      samples(language)
          .path("cases")
          .fields()
          .forEachRemaining(
              c -> results.put(c.getKey(), runCase(harness, language, c.getKey(), c.getValue())));
      results.put("version", runVersion(harness, language));
    }
    return results;
  }

  private static Result runCase(
      SandboxHarness harness, String language, String caseName, JsonNode spec) {
    var job = harness.job(language);
    for (JsonNode file : spec.path("files")) {
      job.file(file.path("name").asText(), content(file.path("content")));
    }
    String stdin =
        spec.has("stdin")
            ? spec.get("stdin").asText()
            : caseName.equals("stdin") ? DEFAULT_STDIN : "";
    List<String> args = caseName.equals("args") ? DEFAULT_ARGS : List.of();
    if (spec.has("args")) {
      args = new ArrayList<>();
      for (JsonNode arg : spec.get("args")) {
        args.add(arg.asText());
      }
    }
    job.stdin(stdin).args(args.toArray(String[]::new));
    return new Result(
        language,
        caseName,
        runOnce(language, caseName, job::run),
        Expectation.of(caseName, spec, stdin, args));
  }

  /**
   * Runs the runtime's versionCommand in its image under the sandbox's restrictions, with the
   * larger of its compile and run limits (a JVM compiler may print its version).
   */
  private static Result runVersion(SandboxHarness harness, String language) {
    Runtime runtime = runtime(language);
    Runtime probe =
        runtime.toBuilder().setCompileCommand("").setRunCommand("sh gozo-version.sh").build();
    var limits = runtime.hasCompileLimits() ? runtime.getCompileLimits() : runtime.getRunLimits();
    var job =
        harness.new JobBuilder(probe)
            .file("gozo-version.sh", runtime.getVersionCommand() + "\n")
            .wallMs(limits.getWallTimeMs())
            .cpuMs(Math.min(limits.getCpuTimeMs(), CATALOGUE.maxLimits().getCpuTimeMs()))
            .memoryMb(limits.getMemoryMb());
    return new Result(
        language,
        "version",
        runOnce(language, "version", job::run),
        Expectation.version(runtime.getVersion()));
  }

  /**
   * One run, repeated once when it hit a time limit or the sandbox itself failed: other
   * Docker-heavy suites may share this host, and a compiler that is slow only because the host is
   * busy says nothing about the language. A second failure is reported as it is.
   */
  private static Outcome runOnce(String language, String caseName, Supplier<Outcome> run) {
    long started = System.nanoTime();
    Outcome outcome = run.get();
    if (outcome instanceof Outcome.TimeLimitExceeded || outcome instanceof Outcome.InternalError) {
      System.out.printf(
          "LanguagesIT %s/%s: %s (%s); running it once more%n",
          language, caseName, outcome.getClass().getSimpleName(), outcome.message());
      outcome = run.get();
    }
    System.out.printf(
        "LanguagesIT %-13s %-13s %6d ms  %s%n",
        language,
        caseName,
        (System.nanoTime() - started) / 1_000_000,
        outcome.getClass().getSimpleName());
    return outcome;
  }

  // --- expectations ----------------------------------------------------------------------------

  /** What a case must produce; defaults by case name, overridable in the sample file. */
  record Expectation(
      Class<? extends Outcome> status,
      String stdout,
      String compileMessage,
      Integer exitCode,
      String stderr,
      String version) {

    static Expectation of(String caseName, JsonNode spec, String stdin, List<String> args) {
      String status =
          spec.path("status")
              .asText(
                  switch (caseName) {
                    case "compileError" -> "COMPILE_ERROR";
                    case "runtimeError" -> "RUNTIME_ERROR";
                    default -> "SUCCEEDED";
                  });
      String stdout =
          spec.has("stdout")
              ? spec.get("stdout").asText()
              : switch (caseName) {
                case "hello", "modules", "entryName" -> HELLO;
                case "stdin" -> stdin;
                case "args" -> args.stream().map(a -> a + "\n").collect(Collectors.joining());
                default -> null;
              };
      return new Expectation(
          statusClass(status),
          stdout,
          spec.has("message") ? spec.get("message").asText() : null,
          spec.has("exitCode") ? spec.get("exitCode").asInt() : null,
          spec.has("stderr") ? spec.get("stderr").asText() : null,
          null);
    }

    static Expectation version(String version) {
      return new Expectation(Outcome.Succeeded.class, null, null, null, null, version);
    }

    void verify(String name, Outcome outcome) {
      assertThat(outcome)
          .as("%s ended %s%n%s", name, outcome.getClass().getSimpleName(), describe(outcome))
          .isInstanceOf(status);
      if (stdout != null && outcome.run() != null) {
        assertThat(text(outcome.run().stdout()))
            .as("%s stdout%n%s", name, describe(outcome))
            .isEqualTo(stdout);
      }
      if (compileMessage != null) {
        assertThat(text(outcome.compile().stdout()) + text(outcome.compile().stderr()))
            .as("%s compiler output", name)
            .contains(compileMessage);
      }
      if (status == Outcome.RuntimeError.class) {
        assertThat(outcome.run().exitCode()).as("%s exit code", name).isNotZero();
        if (exitCode != null) {
          assertThat(outcome.run().exitCode()).as("%s exit code", name).isEqualTo(exitCode);
        }
      }
      if (stderr != null) {
        assertThat(text(outcome.run().stderr()))
            .as("%s stderr%n%s", name, describe(outcome))
            .contains(stderr);
      }
      if (version != null) {
        assertThat(text(outcome.run().stdout()) + text(outcome.run().stderr()))
            .as("%s: the toolchain's own version report must contain the catalogue's version", name)
            .contains(version);
      }
    }

    private static Class<? extends Outcome> statusClass(String status) {
      return switch (status) {
        case "SUCCEEDED" -> Outcome.Succeeded.class;
        case "RUNTIME_ERROR" -> Outcome.RuntimeError.class;
        case "COMPILE_ERROR" -> Outcome.CompileError.class;
        default -> throw new IllegalArgumentException("unknown status in samples: " + status);
      };
    }
  }

  private static String describe(Outcome outcome) {
    StringBuilder text = new StringBuilder("message: ").append(outcome.message());
    if (outcome.compile() != null) {
      text.append("\ncompile stdout: ").append(text(outcome.compile().stdout()));
      text.append("\ncompile stderr: ").append(text(outcome.compile().stderr()));
    }
    if (outcome.run() != null) {
      text.append("\nrun stdout: ").append(text(outcome.run().stdout()));
      text.append("\nrun stderr: ").append(text(outcome.run().stderr()));
    }
    return text.toString();
  }

  // --- catalogue and samples -------------------------------------------------------------------

  /** Catalogue languages, in catalogue order; only those of -Dgozo.languages when filtered. */
  private static Set<String> languages(boolean filtered) {
    Set<String> wanted =
        Arrays.stream(System.getProperty("gozo.languages", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet());
    return CATALOGUE.runtimes().stream()
        .map(Runtime::getLanguage)
        .filter(l -> !filtered || wanted.isEmpty() || wanted.contains(l))
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  private static Runtime runtime(String language) {
    return CATALOGUE.resolve(language, "").orElseThrow();
  }

  /** Compiles that take seconds (JVM compilers, Crystal, GHC) start first. */
  private static boolean heavy(String language) {
    Runtime runtime = runtime(language);
    return runtime.hasCompileLimits() && runtime.getCompileLimits().getMemoryMb() >= 1024;
  }

  private static JsonNode samples(String language) {
    try {
      return JSON.readTree(SAMPLES.resolve(language + ".json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file's content: a string, or an array of lines (each gets a trailing newline). */
  private static String content(JsonNode node) {
    if (!node.isArray()) {
      return node.asText();
    }
    StringBuilder text = new StringBuilder();
    node.forEach(line -> text.append(line.asText()).append('\n'));
    return text.toString();
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String text(byte[] bytes) {
    return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
  }

  private static Path repositoryPath(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
