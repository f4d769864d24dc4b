package dev.gozo.worker.judging;

import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.TestResult;
import dev.gozo.protocol.v1.TestStatus;
import dev.gozo.worker.sandbox.Outcome;
import java.util.List;

/** The judging rules: a test's status from its run, and the job's status from its tests. */
final class Verdicts {

  private Verdicts() {}

  /** The status of a test whose run did not succeed (it never reaches the checker). */
  static TestStatus ofRun(Outcome run) {
    if (run instanceof Outcome.RuntimeError) {
      return TestStatus.TEST_RUNTIME_ERROR;
    } else if (run instanceof Outcome.TimeLimitExceeded) {
      return TestStatus.TEST_TIME_LIMIT_EXCEEDED;
    } else if (run instanceof Outcome.MemoryLimitExceeded) {
      return TestStatus.TEST_MEMORY_LIMIT_EXCEEDED;
    } else if (run instanceof Outcome.OutputLimitExceeded) {
      return TestStatus.TEST_OUTPUT_LIMIT_EXCEEDED;
    } else if (run instanceof Outcome.Succeeded) {
      return TestStatus.ACCEPTED;
    }
    return TestStatus.TEST_INTERNAL_ERROR;
  }

  /**
   * SUCCEEDED when every test passed; else WRONG_ANSWER when the first test that did not pass
   * failed on its output; else that test's status (a time limit, a runtime error, ...).
   */
  static JobStatus ofJob(List<TestResult> tests) {
    for (TestResult test : tests) {
      switch (test.getStatus()) {
        case ACCEPTED, SKIPPED:
          continue;
        case TEST_WRONG_ANSWER:
          return JobStatus.WRONG_ANSWER;
        case TEST_TIME_LIMIT_EXCEEDED:
          return JobStatus.TIME_LIMIT_EXCEEDED;
        case TEST_MEMORY_LIMIT_EXCEEDED:
          return JobStatus.MEMORY_LIMIT_EXCEEDED;
        case TEST_OUTPUT_LIMIT_EXCEEDED:
          return JobStatus.OUTPUT_LIMIT_EXCEEDED;
        case TEST_RUNTIME_ERROR:
          return JobStatus.RUNTIME_ERROR;
        default:
          return JobStatus.INTERNAL_ERROR;
      }
    }
    return JobStatus.SUCCEEDED;
  }

  /** "3 of 4 tests passed; first failure: test 'big' (#2), TIME_LIMIT_EXCEEDED". */
  static String message(List<TestResult> tests) {
    long passed = tests.stream().filter(t -> t.getStatus() == TestStatus.ACCEPTED).count();
    StringBuilder message = new StringBuilder(passed + " of " + tests.size() + " tests passed");
    for (TestResult test : tests) {
      if (test.getStatus() != TestStatus.ACCEPTED && test.getStatus() != TestStatus.SKIPPED) {
        message
            .append("; first failure: test '")
            .append(test.getName())
            .append("' (#")
            .append(test.getIndex() + 1)
            .append("), ")
            .append(test.getStatus().name().replaceFirst("^TEST_", ""));
        break;
      }
    }
    return message.toString();
  }
}
