package dev.gozo.gateway.compat.judge0;

import dev.gozo.gateway.jobs.JobPhase;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.StepResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Judge0 CE's statuses, with its ids and descriptions (clients switch on the id), and how our job's
 * phase and verdict map onto them. Judge0 tells runtime errors apart by the signal that ended the
 * program, so ours do too.
 */
enum Judge0Status {
  IN_QUEUE(1, "In Queue"),
  PROCESSING(2, "Processing"),
  ACCEPTED(3, "Accepted"),
  WRONG_ANSWER(4, "Wrong Answer"),
  TIME_LIMIT_EXCEEDED(5, "Time Limit Exceeded"),
  COMPILATION_ERROR(6, "Compilation Error"),
  SIGSEGV(7, "Runtime Error (SIGSEGV)"),
  SIGXFSZ(8, "Runtime Error (SIGXFSZ)"),
  SIGFPE(9, "Runtime Error (SIGFPE)"),
  SIGABRT(10, "Runtime Error (SIGABRT)"),
  NZEC(11, "Runtime Error (NZEC)"),
  OTHER(12, "Runtime Error (Other)"),
  INTERNAL_ERROR(13, "Internal Error"),
  EXEC_FORMAT_ERROR(14, "Exec Format Error");

  /** Linux signal numbers Judge0 names in a status of its own. */
  private static final Map<Integer, Judge0Status> BY_SIGNAL =
      Map.of(11, SIGSEGV, 25, SIGXFSZ, 8, SIGFPE, 6, SIGABRT);

  /** What a shell answers when the kernel refuses to execute a file (ENOEXEC). */
  private static final int SHELL_CANNOT_EXECUTE = 126;

  final int id;
  final String description;

  Judge0Status(int id, String description) {
    this.id = id;
    this.description = description;
  }

  static Judge0Status of(JobState state) {
    if (state.phase() == JobPhase.QUEUED) {
      return IN_QUEUE;
    }
    if (!state.isFinished()) {
      return PROCESSING;
    }
    return of(state.result());
  }

  static Judge0Status of(JobCompleted result) {
    return switch (result.getStatus()) {
      case SUCCEEDED -> ACCEPTED;
      case WRONG_ANSWER -> WRONG_ANSWER;
      case TIME_LIMIT_EXCEEDED -> TIME_LIMIT_EXCEEDED;
      case COMPILE_ERROR -> COMPILATION_ERROR;
      // Judge0 writes output to a file limited by max_file_size: more is SIGXFSZ.
      case OUTPUT_LIMIT_EXCEEDED -> SIGXFSZ;
      // Judge0 has no memory verdict: the kernel's kill is a runtime error by another signal.
      case MEMORY_LIMIT_EXCEEDED -> OTHER;
      case RUNTIME_ERROR -> runtimeError(Judge0Results.run(result));
      default -> INTERNAL_ERROR;
    };
  }

  private static Judge0Status runtimeError(StepResult run) {
    if (run == null) {
      return OTHER;
    }
    if (run.getSignal() != 0) {
      return BY_SIGNAL.getOrDefault(run.getSignal(), OTHER);
    }
    if (run.getExitCode() == SHELL_CANNOT_EXECUTE
        && run.getStderr().toStringUtf8().contains("Exec format error")) {
      return EXEC_FORMAT_ERROR;
    }
    return NZEC;
  }

  /** {@code {id, description}}, ordered as Judge0 writes it. */
  Map<String, Object> view() {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", id);
    view.put("description", description);
    return view;
  }
}
