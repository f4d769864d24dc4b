package dev.gozo.worker.results;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.LimitKind;
import dev.gozo.protocol.v1.StepResult;
import dev.gozo.worker.sandbox.Outcome;
import dev.gozo.worker.sandbox.StepReport;

/** Writes an {@link Outcome} as the wire's {@link JobCompleted}. */
public final class OutcomeMapper {

  private OutcomeMapper() {}

  public static JobStatus status(Outcome outcome) {
    // Java 17 has no pattern matching for switch; the sealed hierarchy keeps this list complete.
    if (outcome instanceof Outcome.Judged judged) {
      return judged.status();
    } else if (outcome instanceof Outcome.Succeeded) {
      return JobStatus.SUCCEEDED;
    } else if (outcome instanceof Outcome.RuntimeError) {
      return JobStatus.RUNTIME_ERROR;
    } else if (outcome instanceof Outcome.CompileError) {
      return JobStatus.COMPILE_ERROR;
    } else if (outcome instanceof Outcome.TimeLimitExceeded) {
      return JobStatus.TIME_LIMIT_EXCEEDED;
    } else if (outcome instanceof Outcome.MemoryLimitExceeded) {
      return JobStatus.MEMORY_LIMIT_EXCEEDED;
    } else if (outcome instanceof Outcome.OutputLimitExceeded) {
      return JobStatus.OUTPUT_LIMIT_EXCEEDED;
    } else if (outcome instanceof Outcome.Rejected) {
      return JobStatus.REJECTED;
    } else if (outcome instanceof Outcome.Cancelled) {
      return JobStatus.CANCELLED;
    }
    return JobStatus.INTERNAL_ERROR;
  }

  /** Fills status, steps and message; the caller adds ids and timestamps. */
  public static JobCompleted.Builder toResult(Outcome outcome) {
    JobCompleted.Builder result =
        JobCompleted.newBuilder().setStatus(status(outcome)).setMessage(outcome.message());
    if (outcome.compile() != null) {
      result.setCompile(step(outcome.compile()));
    }
    if (outcome.run() != null) {
      result.setRun(step(outcome.run()));
    }
    if (outcome instanceof Outcome.Judged judged) {
      result.addAllTests(judged.tests()).setSummary(summary(judged.tests()));
    }
    return result;
  }

  /** How many tests passed, failed (neither ACCEPTED nor SKIPPED) and were skipped. */
  public static dev.gozo.protocol.v1.TestSummary summary(
      java.util.List<dev.gozo.protocol.v1.TestResult> tests) {
    int passed = 0;
    int skipped = 0;
    for (dev.gozo.protocol.v1.TestResult test : tests) {
      if (test.getStatus() == dev.gozo.protocol.v1.TestStatus.ACCEPTED) {
        passed++;
      } else if (test.getStatus() == dev.gozo.protocol.v1.TestStatus.SKIPPED) {
        skipped++;
      }
    }
    return dev.gozo.protocol.v1.TestSummary.newBuilder()
        .setPassed(passed)
        .setFailed(tests.size() - passed - skipped)
        .setSkipped(skipped)
        .build();
  }

  public static StepResult step(StepReport report) {
    return StepResult.newBuilder()
        .setStdout(ByteString.copyFrom(report.stdout()))
        .setStderr(ByteString.copyFrom(report.stderr()))
        .setExitCode(report.exitCode())
        .setSignal(report.signal())
        .setWallTimeMs(report.wallTimeMs())
        .setCpuTimeMs(report.cpuTimeMs())
        .setMemoryBytes(report.memoryBytes())
        .setStdoutTruncated(report.stdoutTruncated())
        .setStderrTruncated(report.stderrTruncated())
        .setLimitHit(limit(report.limitHit()))
        .build();
  }

  private static LimitKind limit(StepReport.LimitHit hit) {
    return switch (hit) {
      case NONE -> LimitKind.LIMIT_NONE;
      case WALL_TIME -> LimitKind.LIMIT_WALL_TIME;
      case CPU_TIME -> LimitKind.LIMIT_CPU_TIME;
      case MEMORY -> LimitKind.LIMIT_MEMORY;
      case OUTPUT -> LimitKind.LIMIT_OUTPUT;
      case IDLE -> LimitKind.LIMIT_IDLE;
      case CANCELLED -> LimitKind.LIMIT_NONE;
    };
  }
}
