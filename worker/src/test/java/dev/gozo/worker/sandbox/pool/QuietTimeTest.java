package dev.gozo.worker.sandbox.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuietTimeTest {

  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final QuietTime quietTime = new QuietTime(Duration.ofMillis(250), now::get);

  private void advance(long millis) {
    now.addAndGet(Duration.ofMillis(millis).toNanos());
  }

  @Test
  void isQuietOnlyAfterTheQuietPeriodWithNoJobRunning() {
    assertThat(quietTime.quiet()).isFalse();
    advance(250);
    assertThat(quietTime.quiet()).isTrue();
  }

  @Test
  void aRunningJobIsNeverQuietHoweverLongItRuns() {
    quietTime.jobStarted();
    advance(60_000);
    assertThat(quietTime.quiet()).isFalse();
    quietTime.jobEnded();
    assertThat(quietTime.quiet()).isFalse();
    advance(249);
    assertThat(quietTime.quiet()).isFalse();
    advance(1);
    assertThat(quietTime.quiet()).isTrue();
  }
}
