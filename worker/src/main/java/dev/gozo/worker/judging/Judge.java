package dev.gozo.worker.judging;

import dev.gozo.jobspec.EffectiveLimits;
import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.protocol.v1.CheckerType;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.TestCase;
import dev.gozo.protocol.v1.TestResult;
import dev.gozo.protocol.v1.TestStatus;
import dev.gozo.worker.results.OutcomeMapper;
import dev.gozo.worker.sandbox.LiveSession;
import dev.gozo.worker.sandbox.Outcome;
import dev.gozo.worker.sandbox.Preparation;
import dev.gozo.worker.sandbox.Sandbox;
import dev.gozo.worker.sandbox.SandboxJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a judged job: compiles the program once ({@link Sandbox#prepare}), then runs it once per
 * test, each run in a fresh sandbox state ({@link Sandbox#series()}: a new container, or the job's
 * previous one after its launcher killed every process and emptied /work, /tmp and /dev/shm, so no
 * file or process of one test is left for the next), and judges each run's output with the job's
 * checker. Each finished test is told to the job's live session at once. The job's verdict follows
 * {@link Verdicts#ofJob}.
 */
public final class Judge {

  private final Sandbox sandbox;
  private final RuntimeCatalogue catalogue;

  public Judge(Sandbox sandbox, RuntimeCatalogue catalogue) {
    this.sandbox = sandbox;
    this.catalogue = catalogue;
  }

  /**
   * The job's outcome: {@link Outcome.Judged} once it got past compiling, the compile's own outcome
   * (with every test SKIPPED) when that failed, {@link Outcome.Unavailable} when the sandbox was
   * (the job then runs again, whole, elsewhere).
   */
  public Outcome judge(ExecuteJob job, SandboxJob program, LiveSession live) {
    Preparation prepared = sandbox.prepare(program, live);
    if (prepared instanceof Preparation.Ended ended) {
      Outcome outcome = ended.outcome();
      if (outcome instanceof Outcome.Unavailable) {
        return outcome;
      }
      List<TestResult> skipped = new ArrayList<>();
      for (int i = 0; i < job.getTestsCount(); i++) {
        skipped.add(skippedTest(job.getTests(i), i));
      }
      return new Outcome.Judged(
          outcome.compile(), skipped, OutcomeMapper.status(outcome), outcome.message());
    }
    Preparation.Compiled compiled = (Preparation.Compiled) prepared;
    live.stageStarted(LiveSession.Stage.RUN);
    try (Sandbox.Series runs = sandbox.series()) {
      return judgeTests(job, program, compiled, live, runs);
    }
  }

  private Outcome judgeTests(
      ExecuteJob job,
      SandboxJob program,
      Preparation.Compiled compiled,
      LiveSession live,
      Sandbox.Series runs) {
    TestRunSession quiet = new TestRunSession(live);
    CheckerProgram checker =
        job.getChecker().getType() == CheckerType.PROGRAM
            ? new CheckerProgram(sandbox, runs, catalogue, job, quiet)
            : null;
    List<TestResult> results = new ArrayList<>();
    boolean stop = false;
    for (int i = 0; i < job.getTestsCount(); i++) {
      TestCase test = job.getTests(i);
      if (stop) {
        results.add(skippedTest(test, i));
        continue;
      }
      Outcome run = runs.run(testRun(job, program, compiled, test), quiet);
      if (run instanceof Outcome.Unavailable) {
        return run;
      }
      if (run instanceof Outcome.Cancelled || live.cancelled().isDone()) {
        for (int j = i; j < job.getTestsCount(); j++) {
          results.add(skippedTest(job.getTests(j), j));
        }
        return new Outcome.Judged(
            compiled.compile(),
            results,
            JobStatus.CANCELLED,
            "cancelled after " + i + " of " + job.getTestsCount() + " tests");
      }
      TestResult result = judged(job, test, i, run, checker);
      results.add(result);
      live.testFinished(result);
      stop = job.getStopOnFirstFailure() && result.getStatus() != TestStatus.ACCEPTED;
    }
    JobStatus status = Verdicts.ofJob(results);
    return new Outcome.Judged(compiled.compile(), results, status, Verdicts.message(results));
  }

  private SandboxJob testRun(
      ExecuteJob job, SandboxJob program, Preparation.Compiled compiled, TestCase test) {
    EffectiveLimits limits =
        EffectiveLimits.resolve(
            TestLimits.merge(job.getLimits(), test.getLimits()),
            program.runtime().getRunLimits(),
            catalogue.maxLimits());
    return program.withWork(
        compiled.work(),
        Map.of(),
        test.getHasStdin() ? test.getStdin().toByteArray() : program.stdin(),
        test.getHasArgs() ? List.copyOf(test.getArgsList()) : program.args(),
        limits);
  }

  private TestResult judged(
      ExecuteJob job, TestCase test, int index, Outcome run, CheckerProgram checker) {
    TestResult.Builder result = TestResult.newBuilder().setName(test.getName()).setIndex(index);
    if (run.run() != null) {
      result.setRun(OutcomeMapper.step(run.run()));
    }
    if (!(run instanceof Outcome.Succeeded)) {
      TestStatus status = Verdicts.ofRun(run);
      if (status == TestStatus.TEST_INTERNAL_ERROR) {
        result.setCheckerMessage(brief(run)); // ours, not the program's: say what went wrong
      }
      return result.setStatus(status).build();
    }
    if (!test.getHasExpectedOutput()) {
      return result.setStatus(TestStatus.ACCEPTED).build();
    }
    byte[] expected = test.getExpectedOutput().toByteArray();
    byte[] actual = run.run().stdout();
    if (checker != null) {
      CheckerProgram.Verdict verdict =
          checker.check(
              test.getHasStdin() ? test.getStdin().toByteArray() : job.getStdin().toByteArray(),
              expected,
              actual);
      return result.setStatus(verdict.status()).setCheckerMessage(verdict.message()).build();
    }
    Optional<String> mismatch = OutputComparison.mismatch(job.getChecker(), expected, actual);
    return mismatch.isEmpty()
        ? result.setStatus(TestStatus.ACCEPTED).build()
        : result.setStatus(TestStatus.TEST_WRONG_ANSWER).setCheckerMessage(mismatch.get()).build();
  }

  /** Why a run did not get to the checker, for a test's message (the run's own message). */
  private static String brief(Outcome run) {
    return run.message() == null ? "" : run.message();
  }

  private static TestResult skippedTest(TestCase test, int index) {
    return TestResult.newBuilder()
        .setName(test.getName())
        .setIndex(index)
        .setStatus(TestStatus.SKIPPED)
        .build();
  }
}
