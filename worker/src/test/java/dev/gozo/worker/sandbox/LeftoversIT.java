package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.hostProcessesOfContainer;
import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.gozo.worker.sandbox.ownership.OwnerLease;
import dev.gozo.worker.sandbox.ownership.TestOwnership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Nothing outlives a job: no container, no process. A worker that was killed mid-job leaves
 * containers behind; its next start sweeps them (Orphans.sweep, called by WorkerMain).
 */
class LeftoversIT {

  @Test
  void shouldLeaveNoContainerAndNoProcessBehindAfterHostileJobs() {
    // given: hostile jobs of every ending, each telling us its container
    SandboxHarness harness = new SandboxHarness(1);
    List<String> containers = new ArrayList<>();
    try {
      String hostname = "echo \"$HOSTNAME\"\n";
      containers.add(
          stdout(harness.job("bash").file("main.sh", hostname + "setsid sleep 4242 &\n").run())
              .trim());
      containers.add(
          stdout(harness.job("bash").file("main.sh", hostname + "sleep 100\n").wallMs(1000).run())
              .trim());
      containers.add(
          stdout(
                  harness
                      .job("bash")
                      .file("main.sh", hostname + "while :; do :; done\n")
                      .cpuMs(500)
                      .run())
              .trim());
      containers.add(
          stdout(harness.job("bash").file("main.sh", hostname + "yes\n").outputBytes(4096).run())
              .lines()
              .findFirst()
              .orElse(""));
      containers.add(
          stdout(
                  harness
                      .job("bash")
                      .file("main.sh", hostname + ":(){ :|:& };:\n")
                      .processes(16)
                      .wallMs(1000)
                      .run())
              .trim());
      containers.add(
          stdout(
                  harness
                      .job("python")
                      .file(
                          "main.py",
                          "import os\nprint(os.environ['HOSTNAME'], flush=True)\nx = b'1' * (200 << 20)\n")
                      .memoryMb(32)
                      .run())
              .trim());

      // when: the sandbox shuts down
      harness.sandbox.close();

      // then: no container of ours is left, and no process of any of those jobs runs on the host
      assertThat(containers).hasSize(6).allSatisfy(id -> assertThat(id).hasSize(12));
      await()
          .atMost(Duration.ofSeconds(90)) // removal is asynchronous and slow on a busy engine
          .untilAsserted(() -> assertThat(harness.containersOfThisTest()).isEmpty());
      for (String id : containers) {
        assertThat(hostProcessesOfContainer(id)).as(id).isEmpty();
      }
      assertThat(harness.sweepAsNextLife()).as("left for the sweeper").isZero();
    } finally {
      harness.close();
    }
  }

  @Test
  void shouldSweepTheContainersOfAWorkerThatWasKilledMidJob() {
    // given: a "worker" that is running a job and keeps a warm container, then dies without
    // closing anything (its pool and job threads are simply abandoned); beside it, a live
    // stranger (it holds its lease) with a sandbox of its own
    SandboxHarness dead = new SandboxHarness(1);
    SandboxHarness next = new SandboxHarness(0);
    String strangerOwner = "someone-else-" + UUID.randomUUID();
    OwnerLease strangerLease = OwnerLease.hold(next.engine, strangerOwner, Duration.ofMinutes(1));
    String strangerId = null;
    try {
      dead.job("bash").file("main.sh", "true\n").run();
      CompletableFuture<Outcome> midJob =
          CompletableFuture.supplyAsync(
              () -> dead.job("bash").file("main.sh", "sleep 100\n").wallMs(60_000).run());
      String handMade = SandboxHarness.startHandMadeSandbox(dead.api, dead.owner);
      strangerId = SandboxHarness.startHandMadeSandbox(dead.api, strangerOwner);
      await()
          .atMost(Duration.ofSeconds(90)) // removal is asynchronous and slow on a busy engine
          .until(
              () ->
                  dead.containersOfThisTest().stream()
                          .filter(c -> "running".equals(c.getState()))
                          .count()
                      >= 3);

      // when: its next life starts and sweeps (only this test's owners: others share the engine)
      Set<String> owners = Set.of(dead.owner, next.owner, strangerOwner);
      int removed =
          TestOwnership.sweep(
              next.engine, dead.owner, true, Duration.ofMinutes(15), owners::contains);

      // then: everything of the dead worker is gone, its stuck job returns, a live stranger's
      // stays
      assertThat(removed).isGreaterThanOrEqualTo(3);
      assertThat(dead.containersOfThisTest()).extracting(c -> c.getId()).doesNotContain(handMade);
      Outcome abandoned = midJob.orTimeout(15, java.util.concurrent.TimeUnit.SECONDS).join();
      assertThat(abandoned).isNotInstanceOf(Outcome.Succeeded.class);
      String stranger = strangerId;
      assertThat(next.api.inspectContainerCmd(stranger).exec().getState().getRunning()).isTrue();
    } finally {
      if (strangerId != null) {
        try {
          next.api.removeContainerCmd(strangerId).withForce(true).exec();
        } catch (NotFoundException e) {
          // already gone
        }
      }
      strangerLease.close();
      dead.close();
      next.close();
      assertThat(dead.containersOfThisTest()).isEmpty();
    }
  }
}
