package dev.gozo.worker.sandbox.verdicts;

import dev.gozo.jobspec.EffectiveLimits;
import dev.gozo.jobspec.SignalNames;
import dev.gozo.worker.sandbox.Outcome;
import dev.gozo.worker.sandbox.StepReport;
import dev.gozo.worker.sandbox.StepReport.LimitHit;

/**
 * Turns a finished step into the job's outcome: a compile step that failed or was cut short, or the
 * run step. Verdicts come only from what the worker and the kernel observed (our own limit kills,
 * the OOM flag, the exit status), never from anything the program printed.
 */
public final class Verdicts {

  static final String CANCELLED_WHILE_RUNNING = "cancelled while it ran";

  private Verdicts() {}

  public static Outcome ofRun(
      StepReport compile, StepReport run, boolean oomKilled, EffectiveLimits limits) {
    return switch (run.limitHit()) {
      case OUTPUT ->
          new Outcome.OutputLimitExceeded(
              compile, run, "output exceeded the limit of " + limits.outputBytes() + " bytes");
      case WALL_TIME ->
          new Outcome.TimeLimitExceeded(
              compile, run, "wall-clock time exceeded the limit of " + limits.wallTimeMs() + " ms");
      case CPU_TIME ->
          new Outcome.TimeLimitExceeded(
              compile, run, "CPU time exceeded the limit of " + limits.cpuTimeMs() + " ms");
      case MEMORY -> memory(compile, run, limits);
      case IDLE ->
          new Outcome.TimeLimitExceeded(
              compile, run, "no input or output for the idle limit of an interactive run");
      case CANCELLED -> new Outcome.Cancelled(compile, run, CANCELLED_WHILE_RUNNING);
      case NONE -> oomKilled ? memory(compile, run, limits) : byExit(compile, run);
    };
  }

  private static Outcome memory(StepReport compile, StepReport run, EffectiveLimits limits) {
    return new Outcome.MemoryLimitExceeded(
        compile,
        run,
        "killed by the kernel for exceeding the memory limit of " + limits.memoryMb() + " MiB");
  }

  private static Outcome byExit(StepReport compile, StepReport run) {
    if (run.signal() != 0) {
      return new Outcome.RuntimeError(
          compile,
          run,
          "killed by signal " + SignalNames.of(run.signal()) + " (" + run.signal() + ")");
    }
    if (run.exitCode() != 0) {
      return new Outcome.RuntimeError(compile, run, "exited with code " + run.exitCode());
    }
    return new Outcome.Succeeded(compile, run, "exited with code 0");
  }

  /** A compile step that ended by itself with a status other than 0. */
  public static Outcome ofFailedCompile(StepReport compile, EffectiveLimits limits) {
    return new Outcome.CompileError(
        compile,
        compile.limitHit() == LimitHit.MEMORY
            ? compilerOutOfMemory(limits)
            : "compilation failed with exit code " + compile.exitCode());
  }

  /**
   * A compile step that ended without the launcher's "compiled" marker: a limit of ours, the OOM
   * killer, or the sandbox died (DIAGNOSTICS: what it said before that).
   */
  public static Outcome ofCompileCut(
      StepReport compile, EffectiveLimits limits, String diagnostics) {
    return switch (compile.limitHit()) {
      case WALL_TIME ->
          new Outcome.TimeLimitExceeded(
              compile,
              null,
              "compilation exceeded the wall-clock limit of " + limits.wallTimeMs() + " ms");
      case CPU_TIME ->
          new Outcome.TimeLimitExceeded(
              compile,
              null,
              "compilation exceeded the CPU-time limit of " + limits.cpuTimeMs() + " ms");
      case MEMORY -> new Outcome.CompileError(compile, compilerOutOfMemory(limits));
      case CANCELLED -> new Outcome.Cancelled(compile, null, CANCELLED_WHILE_RUNNING);
      default -> new Outcome.InternalError("the sandbox ended during compilation: " + diagnostics);
    };
  }

  private static String compilerOutOfMemory(EffectiveLimits limits) {
    return "the compiler ran out of memory (limit " + limits.memoryMb() + " MiB)";
  }

  public static LimitHit limitFor(boolean oomKilled, LimitHit observed) {
    return observed == LimitHit.NONE && oomKilled ? LimitHit.MEMORY : observed;
  }
}
