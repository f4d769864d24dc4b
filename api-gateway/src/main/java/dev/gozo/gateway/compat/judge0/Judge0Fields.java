package dev.gozo.gateway.compat.judge0;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code fields=} parameter: which attributes an answer holds. Absent means Judge0's default
 * set, {@code *} every attribute; a name Judge0 does not have is refused, as Judge0 does, so a
 * misspelt field is not silently missing from every answer.
 */
record Judge0Fields(List<String> names) {

  /** Every attribute of a Judge0 submission, in Judge0's order. */
  static final List<String> ALL =
      List.of(
          "token",
          "source_code",
          "language_id",
          "stdin",
          "expected_output",
          "stdout",
          "status_id",
          "created_at",
          "finished_at",
          "time",
          "memory",
          "stderr",
          "compiler_options",
          "command_line_arguments",
          "redirect_stderr_to_stdout",
          "callback_url",
          "additional_files",
          "exit_code",
          "exit_signal",
          "message",
          "wall_time",
          "compile_output",
          "number_of_runs",
          "cpu_time_limit",
          "cpu_extra_time",
          "wall_time_limit",
          "memory_limit",
          "stack_limit",
          "max_processes_and_or_threads",
          "enable_per_process_and_thread_time_limit",
          "enable_per_process_and_thread_memory_limit",
          "max_file_size",
          "enable_network",
          "status",
          "language");

  /** What an answer holds when the request names no fields. */
  static final Judge0Fields DEFAULT =
      new Judge0Fields(
          List.of(
              "token",
              "time",
              "memory",
              "stdout",
              "stderr",
              "compile_output",
              "message",
              "status"));

  /** The selection, or the names Judge0 does not know (for its 400). */
  static Judge0Fields parse(String fields, List<String> unknown) {
    if (fields == null || fields.isBlank()) {
      return DEFAULT;
    }
    if (fields.trim().equals("*")) {
      return new Judge0Fields(ALL);
    }
    List<String> names = new ArrayList<>();
    for (String name : Arrays.stream(fields.split(",")).map(String::trim).toList()) {
      if (name.isEmpty()) {
        continue;
      }
      if (!ALL.contains(name)) {
        unknown.add(name);
      } else if (!names.contains(name)) {
        names.add(name);
      }
    }
    return new Judge0Fields(List.copyOf(names));
  }

  /** Judge0's 400 body for unknown names. */
  static Optional<String> error(List<String> unknown) {
    return unknown.isEmpty()
        ? Optional.empty()
        : Optional.of("invalid fields: [" + String.join(", ", unknown) + "]");
  }
}
