package dev.gozo.gateway.compat.judge0;

import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.StepResult;

/**
 * Where a Judge0 submission's run is in our result. A submission with {@code expected_output} is a
 * judged job of one test, whose run is that test's rather than the job's.
 */
final class Judge0Results {

  private Judge0Results() {}

  /** The program's run, or null when it never ran (a compile error, a rejected job). */
  static StepResult run(JobCompleted result) {
    if (result.hasRun()) {
      return result.getRun();
    }
    if (result.getTestsCount() > 0 && result.getTests(0).hasRun()) {
      return result.getTests(0).getRun();
    }
    return null;
  }
}
