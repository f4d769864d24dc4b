package dev.gozo.jobspec;

import dev.gozo.protocol.v1.Checker;
import dev.gozo.protocol.v1.CheckerType;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.TestCase;
import java.util.List;

/**
 * The rules of a judged job (issue 15): its tests and its checker. A test's stdin, args and limits
 * obey the job's own rules under the test's field names; a checker program obeys a job's runtime
 * and file rules under {@code checker.}.
 */
final class JudgingRules {

  private final PayloadRules payload;
  private final JobBounds bounds;

  JudgingRules(PayloadRules payload, JobBounds bounds) {
    this.payload = payload;
    this.bounds = bounds;
  }

  void check(ExecuteJob job, List<Violation> problems) {
    tests(job, problems);
    if (job.hasChecker()) {
      checker(job.getChecker(), problems);
    }
  }

  private void tests(ExecuteJob job, List<Violation> problems) {
    List<TestCase> tests = job.getTestsList();
    if (tests.isEmpty()) {
      return;
    }
    if (job.getInteractive()) {
      // An interactive run has one program fed by its caller; there is nothing to judge it by.
      problems.add(new Violation("tests", "are not allowed in an interactive run"));
    }
    if (tests.size() > bounds.maxTests()) {
      problems.add(new Violation("tests", "at most " + bounds.maxTests() + " tests are allowed"));
    }
    long total = 0;
    for (int i = 0; i < tests.size(); i++) {
      TestCase test = tests.get(i);
      String field = "tests[" + i + "]";
      payload.input(field + ".stdin", test.getStdin().size(), problems);
      payload.input(field + ".expectedOutput", test.getExpectedOutput().size(), problems);
      payload.args(field + ".args", test.getArgsList(), problems);
      payload.limits(field + ".limits", test.getLimits(), problems);
      total += test.getStdin().size() + test.getExpectedOutput().size();
    }
    if (total > bounds.maxTotalTestBytes()) {
      problems.add(
          new Violation(
              "tests",
              "stdin and expected output must be at most "
                  + bounds.maxTotalTestBytes()
                  + " bytes in all"));
    }
  }

  /** Fields a type does not use (an epsilon with EXACT) are ignored, not refused. */
  private void checker(Checker checker, List<Violation> problems) {
    CheckerType type = checker.getType();
    if (type == CheckerType.UNRECOGNIZED) {
      problems.add(new Violation("checker.type", "unknown checker type"));
    } else if (type == CheckerType.FLOAT) {
      double epsilon = checker.getEpsilon();
      if (!Double.isFinite(epsilon)) {
        problems.add(new Violation("checker.epsilon", "must be a finite number"));
      } else if (epsilon < 0) {
        problems.add(new Violation("checker.epsilon", "must not be negative"));
      }
    } else if (type == CheckerType.PROGRAM) {
      payload.runtime("checker.", checker.getLanguage(), checker.getVersion(), problems);
      payload.files("checker.files", checker.getFilesList(), problems);
    }
  }
}
