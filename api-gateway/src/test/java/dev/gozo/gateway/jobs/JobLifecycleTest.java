package dev.gozo.gateway.jobs;

import static dev.gozo.gateway.jobs.JobPhase.FINISHED;
import static dev.gozo.gateway.jobs.JobPhase.QUEUED;
import static dev.gozo.gateway.jobs.JobPhase.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobLifecycleTest {

  @Test
  void shouldOnlyMoveForward() {
    assertThat(JobLifecycle.allows(null, QUEUED)).isTrue();
    assertThat(JobLifecycle.allows(null, RUNNING)).isTrue();
    assertThat(JobLifecycle.allows(null, FINISHED)).isTrue();

    assertThat(JobLifecycle.allows(QUEUED, QUEUED)).isFalse();
    assertThat(JobLifecycle.allows(QUEUED, RUNNING)).isTrue();
    assertThat(JobLifecycle.allows(QUEUED, FINISHED)).isTrue();

    assertThat(JobLifecycle.allows(RUNNING, QUEUED)).isFalse();
    assertThat(JobLifecycle.allows(RUNNING, RUNNING)).isTrue();
    assertThat(JobLifecycle.allows(RUNNING, FINISHED)).isTrue();

    assertThat(JobLifecycle.allows(FINISHED, QUEUED)).isFalse();
    assertThat(JobLifecycle.allows(FINISHED, RUNNING)).isFalse();
    assertThat(JobLifecycle.allows(FINISHED, FINISHED)).isFalse();
  }
}
