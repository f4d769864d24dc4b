package dev.gozo.worker.sandbox.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.protocol.v1.Runtime;
import dev.gozo.worker.engine.FakeEngine;
import dev.gozo.worker.sandbox.DockerSandbox;
import dev.gozo.worker.sandbox.SandboxSettings;
import dev.gozo.worker.sandbox.container.ContainerFactory;
import dev.gozo.worker.sandbox.container.ContainerLimits;
import dev.gozo.worker.sandbox.container.SandboxContainer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The warm pool's sizing, refill, quiet time and removal against the fake engine, whose containers
 * wait for a job the way a launcher does.
 */
class WarmPoolTest {

  private static final Runtime BASH = RuntimeCatalogue.bundled().resolve("bash", "").orElseThrow();
  private static final ContainerLimits LIMITS = DockerSandbox.defaultLimits(BASH);
  private static final SandboxSettings SETTINGS =
      SandboxSettings.of("owner-a", 1.0, "", Path.of("/nonexistent-cgroup-root"), 0, 4);
  // Far longer than any wait below: nothing ages out of the pool during a test.
  private static final Duration IDLE_TTL = Duration.ofMinutes(10);

  private final FakeEngine engine = new FakeEngine();
  private WarmPool pool;

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void shouldStartARuntimesReserveAheadOfItsFirstJob() {
    pool = pool(0, 4);

    pool.keepWarm(BASH, LIMITS, 3);

    await().atMost(Duration.ofSeconds(10)).until(() -> engine.running().size() == 3);
    assertThat(pool.hasWarm(BASH)).isTrue();
  }

  @Test
  void shouldHandOutAWarmContainerWithoutCreatingOneOnTheJobsPath() {
    pool = pool(0, 4);
    pool.keepWarm(BASH, LIMITS, 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.running().size() == 2);
    int created = engine.creates();

    SandboxContainer container = pool.take(BASH, LIMITS);

    assertThat(container.alive()).isTrue();
    assertThat(engine.running()).contains(container.id());
    // one warm left of two: not below the low-water mark, so nothing starts while the job runs
    assertThat(engine.creates()).isEqualTo(created);
    pool.jobEnded(container);
    pool.discardSoon(container);
  }

  @Test
  void shouldStartAContainerOnTheSpotWhenNoneIsWarm() {
    pool = pool(0, 4);

    SandboxContainer container = pool.take(BASH, LIMITS);

    assertThat(container.alive()).isTrue();
    assertThat(engine.creates()).isEqualTo(1);
    pool.jobEnded(container);
    pool.discardSoon(container);
    // a runtime without a reserve gets none: the cold start was all
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.existing() == 0);
    assertThat(engine.creates()).isEqualTo(1);
  }

  @Test
  void shouldReplaceTheLastWarmContainerAtOnceEvenWhileAJobRuns() {
    pool = pool(0, 4);
    pool.keepWarm(BASH, LIMITS, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> pool.hasWarm(BASH));

    SandboxContainer running = pool.take(BASH, LIMITS);

    // not quiet (a job runs), yet the runtime has no warm container left: refilled now
    await().atMost(Duration.ofSeconds(5)).until(() -> pool.hasWarm(BASH));
    pool.jobEnded(running);
    pool.discardSoon(running);
  }

  @Test
  void shouldRemoveSpentContainersOnlyOnceNoJobRuns() {
    pool = pool(0, 4);
    SandboxContainer spent = pool.take(BASH, LIMITS);
    SandboxContainer busy = pool.take(BASH, LIMITS);
    pool.jobEnded(spent);

    pool.discardSoon(spent);

    // while a job runs the engine works for the job, not for the clean-up (quiet time: 250 ms)
    await()
        .during(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(2))
        .until(() -> engine.running().contains(spent.id()));
    pool.jobEnded(busy);
    pool.discardSoon(busy);
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.existing() == 0);
  }

  @Test
  void shouldGiveAJobAFreshContainerWhenTheWarmOneHasDied() {
    pool = pool(0, 4);
    pool.keepWarm(BASH, LIMITS, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.running().size() == 1);
    String dead = engine.running().get(0);
    engine.kill(dead);

    SandboxContainer container = pool.take(BASH, LIMITS);

    assertThat(container.id()).isNotEqualTo(dead);
    assertThat(container.alive()).isTrue();
    pool.jobEnded(container);
    pool.discardSoon(container);
  }

  @Test
  void shouldRemoveEveryContainerWhenClosed() {
    pool = pool(0, 4);
    pool.keepWarm(BASH, LIMITS, 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> engine.running().size() == 2);
    SandboxContainer taken = pool.take(BASH, LIMITS);
    pool.jobEnded(taken);
    pool.discardSoon(taken);

    pool.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> engine.existing() == 0);
  }

  private WarmPool pool(int warmPerRuntime, int maxBusy) {
    return new WarmPool(new ContainerFactory(engine, SETTINGS), warmPerRuntime, maxBusy, IDLE_TTL);
  }
}
