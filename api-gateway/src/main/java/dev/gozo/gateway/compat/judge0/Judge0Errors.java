package dev.gozo.gateway.compat.judge0;

import dev.gozo.jobspec.Violation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Judge0's 422 body, {@code {"field": ["message", ...]}}: problems found by the job validator name
 * our fields in our units ({@code limits.cpuTimeMs must be at most 20000}), so they are renamed to
 * the Judge0 field the client sent, in its units ({@code cpu_time_limit must be less than or equal
 * to 20}).
 */
final class Judge0Errors {

  private static final Pattern BOUND = Pattern.compile("must be at (most|least) (\\d+).*");

  /** Our limit, the Judge0 field it came from, and how to turn our unit into Judge0's. */
  private record LimitField(String ours, String judge0, DoubleUnaryOperator toJudge0) {}

  private static final List<LimitField> LIMITS =
      List.of(
          new LimitField("limits.cpuTimeMs", "cpu_time_limit", ms -> ms / 1000),
          new LimitField("limits.wallTimeMs", "wall_time_limit", ms -> ms / 1000),
          new LimitField("limits.memoryMb", "memory_limit", mb -> mb * 1024),
          new LimitField("limits.processes", "max_processes_and_or_threads", n -> n),
          new LimitField("limits.outputBytes", "max_file_size", bytes -> bytes / 1024));

  private Judge0Errors() {}

  static void addOnce(List<Violation> problems, String field, String message) {
    if (problems.stream().noneMatch(problem -> problem.field().equals(field))) {
      problems.add(new Violation(field, message));
    }
  }

  static Map<String, Object> of(List<Violation> problems) {
    Map<String, Object> errors = new LinkedHashMap<>();
    for (Violation problem : problems) {
      Violation renamed = renamed(problem);
      @SuppressWarnings("unchecked")
      List<String> messages =
          (List<String>)
              errors.computeIfAbsent(renamed.field(), field -> new java.util.ArrayList<String>());
      if (!messages.contains(renamed.message())) {
        messages.add(renamed.message());
      }
    }
    return errors;
  }

  static Violation renamed(Violation problem) {
    String field = problem.field();
    for (LimitField limit : LIMITS) {
      if (field.equals(limit.ours())) {
        return new Violation(limit.judge0(), inJudge0Units(problem.message(), limit));
      }
    }
    if (field.equals("files") || field.startsWith("files[0]")) {
      return new Violation(
          field.equals("files") ? "additional_files" : "source_code", problem.message());
    }
    if (field.startsWith("files[")) {
      return new Violation("additional_files", problem.message());
    }
    if (field.equals("language") || field.equals("version")) {
      return new Violation("language_id", problem.message());
    }
    if (field.startsWith("args")) {
      return new Violation("command_line_arguments", problem.message());
    }
    if (field.startsWith("tests")) {
      return new Violation("expected_output", problem.message());
    }
    if (field.startsWith("callback")) {
      return new Violation("callback_url", problem.message());
    }
    return problem;
  }

  private static String inJudge0Units(String message, LimitField limit) {
    Matcher bound = BOUND.matcher(message);
    if (!bound.matches()) {
      return message;
    }
    double value = limit.toJudge0().applyAsDouble(Double.parseDouble(bound.group(2)));
    String number =
        value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    return bound.group(1).equals("most")
        ? "must be less than or equal to " + number
        : "must be greater than or equal to " + number;
  }
}
