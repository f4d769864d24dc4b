package dev.gozo.worker.sandbox.verdicts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.jobspec.EffectiveLimits;
import dev.gozo.worker.sandbox.Outcome;
import dev.gozo.worker.sandbox.StepReport;
import dev.gozo.worker.sandbox.StepReport.LimitHit;
import org.junit.jupiter.api.Test;

class VerdictsTest {

  private static final EffectiveLimits LIMITS = new EffectiveLimits(1000, 1000, 64, 16, 1024);

  private static StepReport run(int exit, int signal, LimitHit hit) {
    return new StepReport(new byte[0], new byte[0], exit, signal, 10, 5, 1024, false, false, hit);
  }

  @Test
  void shouldJudgeByWhatTheKernelAndWorkerObservedInOrder() {
    assertThat(Verdicts.ofRun(null, run(0, 0, LimitHit.NONE), false, LIMITS))
        .isInstanceOf(Outcome.Succeeded.class);
    assertThat(Verdicts.ofRun(null, run(3, 0, LimitHit.NONE), false, LIMITS))
        .isInstanceOf(Outcome.RuntimeError.class);
    assertThat(Verdicts.ofRun(null, run(139, 11, LimitHit.NONE), false, LIMITS).message())
        .contains("SIGSEGV");
    assertThat(Verdicts.ofRun(null, run(137, 9, LimitHit.NONE), true, LIMITS))
        .isInstanceOf(Outcome.MemoryLimitExceeded.class);
    assertThat(Verdicts.ofRun(null, run(137, 9, LimitHit.CPU_TIME), false, LIMITS))
        .isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(Verdicts.ofRun(null, run(137, 9, LimitHit.WALL_TIME), true, LIMITS))
        .isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(Verdicts.ofRun(null, run(0, 0, LimitHit.OUTPUT), false, LIMITS))
        .isInstanceOf(Outcome.OutputLimitExceeded.class);
  }

  @Test
  void shouldReadExitCodesAboveOneTwentyEightAsSignals() {
    assertThat(ContainerExit.of(137, false).signal()).isEqualTo(9);
    assertThat(ContainerExit.of(3, false).signal()).isZero();
    assertThat(ContainerExit.of(255, false).signal()).isZero();
  }
}
