package dev.gozo.worker.judging;

import dev.gozo.jobspec.EffectiveLimits;
import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.protocol.v1.Checker;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.Runtime;
import dev.gozo.protocol.v1.SourceFile;
import dev.gozo.protocol.v1.TestStatus;
import dev.gozo.worker.sandbox.LiveSession;
import dev.gozo.worker.sandbox.Outcome;
import dev.gozo.worker.sandbox.Preparation;
import dev.gozo.worker.sandbox.Sandbox;
import dev.gozo.worker.sandbox.SandboxJob;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's checker program: compiled once (on its first use), then run per test in its own sandbox
 * with the files {@code input}, {@code expected} and {@code output} and those three names as its
 * arguments. Exit 0 accepts, 1 is a wrong answer; anything else (a crash, a limit, a checker that
 * does not compile) is the checker's failure, INTERNAL_ERROR for the test, never the submission's.
 */
final class CheckerProgram {

  /** The checker's verdict on one test and what it printed. */
  record Verdict(TestStatus status, String message) {}

  static final List<String> ARGS = List.of("input", "expected", "output");

  private static final int MAX_MESSAGE_CHARS = 1024;

  private final Sandbox sandbox;
  private final Sandbox.Series runs;
  private final SandboxJob checker;
  private final LiveSession session;
  private Preparation prepared;

  CheckerProgram(
      Sandbox sandbox,
      Sandbox.Series runs,
      RuntimeCatalogue catalogue,
      ExecuteJob job,
      LiveSession session) {
    this.sandbox = sandbox;
    this.runs = runs;
    this.session = session;
    Checker spec = job.getChecker();
    // The validator made sure the language resolves before the job got here.
    Runtime runtime = catalogue.resolve(spec.getLanguage(), spec.getVersion()).orElseThrow();
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (SourceFile file : spec.getFilesList()) {
      files.put(file.getName(), file.getContent().toByteArray());
    }
    this.checker =
        new SandboxJob(
            job.getJobId(),
            job.getTenant(),
            runtime,
            files,
            new byte[0],
            ARGS,
            EffectiveLimits.forCompile(runtime.getCompileLimits(), catalogue.maxCompileLimits()),
            EffectiveLimits.resolve(
                dev.gozo.protocol.v1.Limits.getDefaultInstance(),
                runtime.getRunLimits(),
                catalogue.maxLimits()));
  }

  Verdict check(byte[] input, byte[] expected, byte[] output) {
    if (prepared == null) {
      prepared = sandbox.prepare(checker, session);
    }
    if (prepared instanceof Preparation.Ended ended) {
      return new Verdict(
          TestStatus.TEST_INTERNAL_ERROR,
          "the checker could not be compiled: " + brief(ended.outcome().message()));
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("input", input);
    files.put("expected", expected);
    files.put("output", output);
    Outcome outcome =
        runs.run(
            checker.withWork(
                ((Preparation.Compiled) prepared).work(),
                files,
                new byte[0],
                ARGS,
                checker.runLimits()),
            session);
    String printed =
        outcome.run() == null
            ? ""
            : brief(new String(outcome.run().stdout(), StandardCharsets.UTF_8));
    if (outcome instanceof Outcome.Succeeded) {
      return new Verdict(TestStatus.ACCEPTED, printed);
    }
    if (outcome instanceof Outcome.RuntimeError
        && outcome.run().exitCode() == 1
        && outcome.run().signal() == 0) {
      return new Verdict(TestStatus.TEST_WRONG_ANSWER, printed);
    }
    return new Verdict(
        TestStatus.TEST_INTERNAL_ERROR,
        "the checker failed ("
            + outcome.message()
            + ")"
            + (printed.isEmpty() ? "" : ": " + printed));
  }

  private static String brief(String text) {
    String trimmed = text.strip();
    return trimmed.length() > MAX_MESSAGE_CHARS
        ? trimmed.substring(0, MAX_MESSAGE_CHARS) + "..."
        : trimmed;
  }
}
