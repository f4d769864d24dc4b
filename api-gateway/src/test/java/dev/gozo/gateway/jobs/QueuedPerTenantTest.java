package dev.gozo.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueuedPerTenantTest {

  @Test
  void shouldCountOnlyJobsThatWaitInTheQueue() {
    JobStateStore store = new JobStateStore(100, 1 << 20, 10);
    store.recordQueued("a", "acme", "python", "3", 1);
    store.recordQueued("b", "acme", "python", "3", 2);
    store.recordQueued("c", "other", "python", "3", 3);

    store.recordStarted("a", "acme", "w1", 4);

    assertThat(store.queuedFor("acme")).isEqualTo(1);
    assertThat(store.queuedFor("other")).isEqualTo(1);
    assertThat(store.queuedFor("nobody")).isZero();
  }

  @Test
  void shouldForgetEvictedJobs() {
    JobStateStore store = new JobStateStore(2, 1 << 20, 10);
    store.recordQueued("a", "acme", "python", "3", 1);
    store.recordQueued("b", "acme", "python", "3", 2);
    store.recordQueued("c", "acme", "python", "3", 3);

    assertThat(store.queuedFor("acme")).isEqualTo(2);
  }
}
