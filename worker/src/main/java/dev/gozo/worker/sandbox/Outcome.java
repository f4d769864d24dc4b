package dev.gozo.worker.sandbox;

/**
 * How a job ended. A value, never an exception: every path through the sandbox, including our own
 * failures, ends in exactly one of these records.
 */
public sealed interface Outcome {

  /** Human-readable explanation shown to the user. */
  String message();

  /** The compile step; null for interpreted languages or when the job never got that far. */
  default StepReport compile() {
    return null;
  }

  /** The run step; null when the program never ran. */
  default StepReport run() {
    return null;
  }

  /** Exit code 0 and no limit hit. */
  record Succeeded(StepReport compile, StepReport run, String message) implements Outcome {}

  /** Non-zero exit, or killed by a signal that no limit of ours sent. */
  record RuntimeError(StepReport compile, StepReport run, String message) implements Outcome {}

  /** The compiler refused the program. */
  record CompileError(StepReport compile, String message) implements Outcome {}

  /** CPU-time or wall-clock limit, of the compile or the run step. */
  record TimeLimitExceeded(StepReport compile, StepReport run, String message) implements Outcome {}

  /** The kernel's OOM killer ended the program. */
  record MemoryLimitExceeded(StepReport compile, StepReport run, String message)
      implements Outcome {}

  /** The program wrote more than its output limit. */
  record OutputLimitExceeded(StepReport compile, StepReport run, String message)
      implements Outcome {}

  /**
   * A cancel ended the job: before it ran (no steps) or while it ran (the steps so far, with the
   * output they produced until the kill).
   */
  record Cancelled(StepReport compile, StepReport run, String message) implements Outcome {}

  /**
   * A judged job (one with tests) ran: its compile step once, then one result per test. {@code
   * status} is the job's verdict as the judging rules decide it (see dev.gozo.worker.judging).
   */
  record Judged(
      StepReport compile,
      java.util.List<dev.gozo.protocol.v1.TestResult> tests,
      dev.gozo.protocol.v1.JobStatus status,
      String message)
      implements Outcome {
    public Judged {
      tests = java.util.List.copyOf(tests);
    }
  }

  /** The job is invalid; it must not be retried. */
  record Rejected(String message) implements Outcome {}

  /** Our fault, not the program's, and retrying will not help (e.g. a broken runtime image). */
  record InternalError(String message) implements Outcome {}

  /**
   * The sandbox could not be reached (Docker down, engine overloaded). Not final: the job is handed
   * back to the queue so that this or another worker runs it later.
   */
  record Unavailable(String message) implements Outcome {}
}
