package dev.gozo.worker.sandbox.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReserveSizingTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ReserveSizing sizing = new ReserveSizing(2, 8, Duration.ofMinutes(2), now::get);

  @Test
  void aRuntimeNeverUsedAndWithoutAReserveKeepsNothing() {
    assertThat(sizing.target("python@3")).isZero();
  }

  @Test
  void aRuntimeInUseKeepsTheDefaultReservePlusOnePerRunningJob() {
    sizing.taken("python@3");
    assertThat(sizing.target("python@3")).isEqualTo(3);
    sizing.taken("python@3");
    assertThat(sizing.target("python@3")).isEqualTo(4);
    sizing.ended("python@3");
    sizing.ended("python@3");
    assertThat(sizing.target("python@3")).isEqualTo(2);
  }

  @Test
  void runningJobsRaiseTheReserveOnlyUpToMaxBusy() {
    for (int i = 0; i < 20; i++) {
      sizing.taken("python@3");
    }
    assertThat(sizing.target("python@3")).isEqualTo(8);
  }

  @Test
  void aRuntimeOutOfUseForTheIdleTimeKeepsNothingUnlessItHasAReserve() {
    sizing.taken("go@1");
    sizing.ended("go@1");
    sizing.keepWarm("python@3", 5);
    now.addAndGet(Duration.ofMinutes(3).toNanos());
    assertThat(sizing.target("go@1")).isZero();
    assertThat(sizing.target("python@3")).isEqualTo(5);
  }

  @Test
  void lowWaterIsAQuarterOfTheTargetAndAtLeastOne() {
    sizing.keepWarm("python@3", 100);
    sizing.keepWarm("c@12", 1);
    assertThat(sizing.lowWater("python@3")).isEqualTo(25);
    assertThat(sizing.lowWater("c@12")).isEqualTo(1);
    assertThat(sizing.lowWater("never@0")).isEqualTo(1);
  }
}
