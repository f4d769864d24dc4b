package dev.gozo.gateway.compat.piston;

import dev.gozo.gateway.results.ExecutionView;
import dev.gozo.gateway.results.StepView;
import dev.gozo.jobspec.SignalNames;
import java.util.function.Function;

/**
 * Our result as Piston reports it. The step that ended the job gets Piston's status from our
 * verdict (TIME_LIMIT_EXCEEDED is TO, OUTPUT_LIMIT_EXCEEDED OL, MEMORY_LIMIT_EXCEEDED or a signal
 * SG, a non-zero exit RE, our own failures XX); a compile step that succeeded has none. A failed
 * compile is also reported as the run, as Piston does: clients read only {@code run}.
 */
final class PistonTranslation {

  private PistonTranslation() {}

  /**
   * @param interleaved a stage's ("compile", "run") stdout and stderr in the order written, null
   *     when the live stream did not give it
   */
  static PistonResult of(ExecutionView view, Function<String, String> interleaved) {
    StepView compile = view.compile();
    StepView run = view.run();
    String ending = pistonStatus(view.status(), run != null ? run : compile);
    PistonResult.Stage compileStage =
        compile == null
            ? null
            : stage(
                compile,
                interleaved.apply("compile"),
                run == null ? ending : null,
                run == null ? view.message() : null);
    PistonResult.Stage runStage;
    if (run != null) {
      runStage = stage(run, interleaved.apply("run"), ending, view.message());
    } else if (compileStage != null) {
      runStage = compileStage;
    } else {
      // Nothing ran at all: our failure (or a rejected job); say why in the run.
      runStage = new PistonResult.Stage("", "", "", null, null, view.message(), "XX", 0, 0, 0);
    }
    return new PistonResult(view.language(), view.version(), runStage, compileStage);
  }

  /** Piston's status for the step that ended a job with our {@code status}; null for success. */
  static String pistonStatus(String status, StepView step) {
    boolean signalled = step != null && step.signal() != 0;
    return switch (status) {
      case "SUCCEEDED" -> null;
      case "TIME_LIMIT_EXCEEDED" -> "TO";
      case "OUTPUT_LIMIT_EXCEEDED" -> "OL";
      case "MEMORY_LIMIT_EXCEEDED" -> "SG";
      case "RUNTIME_ERROR", "COMPILE_ERROR", "WRONG_ANSWER" -> signalled ? "SG" : "RE";
      default -> "XX";
    };
  }

  private static PistonResult.Stage stage(
      StepView step, String interleaved, String status, String message) {
    String stdout = step.stdout() == null ? "" : step.stdout();
    String stderr = step.stderr() == null ? "" : step.stderr();
    // The live stream holds what the result holds; if it does not add up (part of it was not
    // seen), the order is unknown and the streams are given one after the other.
    String output =
        interleaved != null && interleaved.length() == stdout.length() + stderr.length()
            ? interleaved
            : stdout + stderr;
    String signal = signal(step, status);
    return new PistonResult.Stage(
        stdout,
        stderr,
        output,
        signal == null ? Integer.valueOf(step.exitCode()) : null,
        signal,
        status == null ? null : message,
        status,
        step.cpuTimeMs(),
        step.wallTimeMs(),
        step.memoryBytes());
  }

  /** A limit ends the program with SIGKILL, as Piston reports it, even when we saw no signal. */
  private static String signal(StepView step, String status) {
    if (step.signal() != 0) {
      return SignalNames.of(step.signal());
    }
    return "TO".equals(status) || "OL".equals(status) || "SG".equals(status) ? "SIGKILL" : null;
  }
}
