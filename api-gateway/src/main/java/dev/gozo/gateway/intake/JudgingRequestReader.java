package dev.gozo.gateway.intake;

import static dev.gozo.gateway.intake.JsonFields.isAbsent;

import com.google.protobuf.ByteString;
import dev.gozo.jobspec.Violation;
import dev.gozo.protocol.v1.Checker;
import dev.gozo.protocol.v1.CheckerType;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.TestCase;
import io.micronaut.json.tree.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a judged request's {@code tests}, {@code checker} and {@code stopOnFirstFailure} (issue 15)
 * into the job. Like {@code limits}, a test or checker object refuses fields it does not know: a
 * misspelt {@code "expected"} would otherwise turn a judged test into one that passes on exit 0,
 * and a misspelt epsilon into an exact comparison, both silently.
 */
final class JudgingRequestReader {

  private static final List<String> TEST_FIELDS =
      List.of("name", "stdin", "args", "expectedOutput", "limits", "encoding");
  private static final List<String> CHECKER_FIELDS =
      List.of("type", "epsilon", "language", "version", "files");
  private static final List<String> CHECKER_TYPES =
      List.of("exact", "lines", "tokens", "float", "program");

  private JudgingRequestReader() {}

  static void read(JsonNode root, ExecuteJob.Builder job, List<Violation> problems) {
    readTests(root.get("tests"), job, problems);
    readChecker(root.get("checker"), problems).ifPresent(job::setChecker);
    JsonFields.bool(root.get("stopOnFirstFailure"), "stopOnFirstFailure", problems)
        .ifPresent(job::setStopOnFirstFailure);
  }

  /** How many tests is the validator's rule; an empty list is only ever a mistake here. */
  private static void readTests(JsonNode tests, ExecuteJob.Builder job, List<Violation> problems) {
    if (isAbsent(tests)) {
      return;
    }
    if (!tests.isArray()) {
      problems.add(new Violation("tests", "must be an array of tests"));
      return;
    }
    if (tests.size() == 0) {
      problems.add(
          new Violation("tests", "must hold at least one test (leave it out to just run)"));
      return;
    }
    for (int i = 0; i < tests.size(); i++) {
      String field = "tests[" + i + "]";
      JsonNode test = tests.get(i);
      if (test == null || !test.isObject()) {
        problems.add(new Violation(field, "must be an object"));
        continue;
      }
      job.addTests(readTest(test, field, String.valueOf(i + 1), problems));
    }
  }

  private static TestCase readTest(
      JsonNode test, String field, String defaultName, List<Violation> problems) {
    JsonFields.refuseUnknown(test, field, TEST_FIELDS, problems);
    TestCase.Builder builder = TestCase.newBuilder();
    builder.setName(
        JsonFields.string(test.get("name"), field + ".name", problems)
            .filter(name -> !name.isEmpty())
            .orElse(defaultName));
    Optional<TextEncoding> encoding =
        TextEncoding.named(
            JsonFields.string(test.get("encoding"), field + ".encoding", problems).orElse(null),
            field + ".encoding",
            problems);
    bytes(test.get("stdin"), field + ".stdin", encoding, problems)
        .ifPresent(stdin -> builder.setStdin(stdin).setHasStdin(true));
    bytes(test.get("expectedOutput"), field + ".expectedOutput", encoding, problems)
        .ifPresent(expected -> builder.setExpectedOutput(expected).setHasExpectedOutput(true));
    JsonFields.args(test.get("args"), field + ".args", problems)
        .ifPresent(args -> builder.addAllArgs(args).setHasArgs(true));
    JsonFields.limits(test.get("limits"), field + ".limits", problems)
        .ifPresent(builder::setLimits);
    return builder.build();
  }

  private static Optional<ByteString> bytes(
      JsonNode node, String field, Optional<TextEncoding> encoding, List<Violation> problems) {
    return JsonFields.string(node, field, problems)
        .flatMap(text -> encoding.flatMap(e -> e.decode(text, field, problems)));
  }

  private static Optional<Checker> readChecker(JsonNode checker, List<Violation> problems) {
    if (isAbsent(checker)) {
      return Optional.empty();
    }
    if (!checker.isObject()) {
      problems.add(new Violation("checker", "must be an object such as {\"type\": \"exact\"}"));
      return Optional.empty();
    }
    JsonFields.refuseUnknown(checker, "checker", CHECKER_FIELDS, problems);
    Checker.Builder builder = Checker.newBuilder().setType(CheckerType.EXACT);
    JsonFields.string(checker.get("type"), "checker.type", problems)
        .flatMap(type -> checkerType(type, problems))
        .ifPresent(builder::setType);
    JsonFields.number(checker.get("epsilon"), "checker.epsilon", problems)
        .ifPresent(builder::setEpsilon);
    JsonFields.string(checker.get("language"), "checker.language", problems)
        .ifPresent(builder::setLanguage);
    JsonFields.string(checker.get("version"), "checker.version", problems)
        .ifPresent(builder::setVersion);
    builder.addAllFiles(JsonFields.files(checker.get("files"), "checker.files", problems));
    return Optional.of(builder.build());
  }

  private static Optional<CheckerType> checkerType(String type, List<Violation> problems) {
    String name = type.toLowerCase(Locale.ROOT);
    if (!CHECKER_TYPES.contains(name)) {
      problems.add(
          new Violation("checker.type", "must be one of " + String.join(", ", CHECKER_TYPES)));
      return Optional.empty();
    }
    return Optional.of(CheckerType.valueOf(name.toUpperCase(Locale.ROOT)));
  }
}
