package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gozo.protocol.v1.Runtime;
import dev.gozo.worker.engine.ContainerEngine;
import dev.gozo.worker.engine.ContainerSummary;
import dev.gozo.worker.engine.DockerEngine;
import dev.gozo.worker.sandbox.container.ContainerFactory;
import dev.gozo.worker.sandbox.ownership.OwnerLease;
import dev.gozo.worker.sandbox.ownership.PeerSweeper;
import dev.gozo.worker.sandbox.ownership.TestOwnership;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Workers sharing one engine tell a live peer from a dead one by its owner lease ({@link
 * OwnerLease}, renewed by heartbeat): a worker that restarts leaves a live peer's reserve and
 * running job alone however old they are, and once a peer's lease has run out (it was killed and
 * nothing renews it), the survivors' sweeps remove its sandboxes. Times are seconds here, hours in
 * production: a lease of 2 s and a stale threshold of 1 s.
 */
class OwnerLeaseIT {

  private static final Duration LEASE_TTL = Duration.ofSeconds(2);
  private static final Duration STALE_AFTER = Duration.ofSeconds(1);
  private static final int RESERVE = 2;
  private static final String HOSTNAME = "echo \"$HOSTNAME\"\n";
  private static final String LONG_SLEEP = "sleep 15";
  private static final String LONG_JOB = HOSTNAME + LONG_SLEEP + "\necho finished\n";

  // Sweeps here see only this test's owners: other tests share the engine.
  private final String prefix = "lease-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final Predicate<String> ownersOfThisTest =
      owner -> owner != null && owner.startsWith(prefix);

  @Test
  void shouldLeaveALivePeersAgedReserveAndRunningJobAloneWhenAnotherWorkerRestarts()
      throws Exception {
    try (SandboxHarness peer = new SandboxHarness(1, prefix + "-a", LEASE_TTL);
        SandboxHarness restarted = new SandboxHarness(0, prefix + "-b", LEASE_TTL)) {
      // given: worker A, alive, with a warm reserve and a long job running
      Runtime bash = peer.catalogue.resolve("bash", "").orElseThrow();
      peer.sandbox.warmUp(Map.of(bash, RESERVE));
      await("A's reserve started")
          .atMost(Duration.ofSeconds(60))
          .until(() -> running(peer).size() >= RESERVE);
      CompletableFuture<Outcome> longJob =
          CompletableFuture.supplyAsync(
              () -> peer.job("bash").file("main.sh", LONG_JOB).wallMs(60_000).run());
      String jobContainer =
          await("A's long job running")
              .atMost(Duration.ofSeconds(30))
              .until(() -> containerRunning(peer, LONG_SLEEP), id -> id != null);
      // and all of A's containers older than the stale threshold and a whole lease TTL (by the
      // engine's clock): only the renewals of its lease tell that A is alive
      await("A's containers aged")
          .atMost(Duration.ofSeconds(30))
          .until(() -> allOlderThan(peer.engine, sandboxesOf(peer), LEASE_TTL.plus(STALE_AFTER)));
      Set<String> before = ids(sandboxesOf(peer));
      assertThat(longJob).as("A's long job, still running when B sweeps").isNotDone();

      // when: worker B restarts on the same engine and sweeps, with a leftover of its own last life
      String leftover = SandboxHarness.startHandMadeSandbox(restarted.api, restarted.owner);
      int removed =
          TestOwnership.sweep(
              restarted.engine, restarted.owner, true, STALE_AFTER, ownersOfThisTest);

      // then: A lost nothing, and only B's own leftover is gone
      assertThat(ids(sandboxesOf(peer))).as("A's sandboxes after B's sweep").containsAll(before);
      assertThat(removed).as("removed by B's sweep").isEqualTo(1);
      assertThat(ids(sandboxesOf(restarted))).doesNotContain(leftover);
      // and A's long job finishes in its container, and A's next job runs in A's own reserve
      Outcome finished = longJob.get(60, TimeUnit.SECONDS);
      assertThat(finished).isInstanceOf(Outcome.Succeeded.class);
      assertThat(stdout(finished)).startsWith(jobContainer.substring(0, 12)).endsWith("finished\n");
      String next = stdout(peer.job("bash").file("main.sh", HOSTNAME).run()).trim();
      Set<String> reserve = new HashSet<>(before);
      reserve.remove(jobContainer);
      assertThat(reserve).anySatisfy(id -> assertThat(id).startsWith(next));
    }
  }

  @Test
  void shouldRemoveTheSandboxesOfAPeerOnceItsLeaseHasRunOut() {
    String deadOwner = prefix + "-dead";
    try (SandboxHarness survivor = new SandboxHarness(1, prefix + "-survivor", LEASE_TTL)) {
      Runtime bash = survivor.catalogue.resolve("bash", "").orElseThrow();
      survivor.sandbox.warmUp(Map.of(bash, 1));
      await("the survivor's reserve started")
          .atMost(Duration.ofSeconds(60))
          .until(() -> running(survivor).size() >= 1);
      Set<String> survivorsOwn = ids(sandboxesOf(survivor));
      try {
        shouldRemoveTheDeadPeersSandboxesOnceItsLeaseHasRunOut(survivor, deadOwner);
      } finally {
        // what this test's dead worker still has if an assertion failed
        TestOwnership.forceRemove(survivor.engine, containersOf(survivor.engine, deadOwner));
      }
      // and the survivor, whose lease was renewed all along, kept its own
      assertThat(ids(sandboxesOf(survivor))).containsAll(survivorsOwn);
    }
  }

  private void shouldRemoveTheDeadPeersSandboxesOnceItsLeaseHasRunOut(
      SandboxHarness survivor, String deadOwner) {
    // given: a worker killed (kill -9) right after renewing its lease: two sandboxes older than
    // the stale threshold, and a fresh lease that nothing renews any more
    Set<String> deadSandboxes =
        Set.of(
            SandboxHarness.startHandMadeSandbox(survivor.api, deadOwner),
            SandboxHarness.startHandMadeSandbox(survivor.api, deadOwner));
    await("the dead worker's sandboxes aged")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                allOlderThan(
                    survivor.engine, containersOf(survivor.engine, deadOwner), STALE_AFTER));
    String deadLease = TestOwnership.createLease(survivor.engine, deadOwner, LEASE_TTL);

    // when: the survivor sweeps at once, while that lease still holds
    TestOwnership.sweep(survivor.engine, survivor.owner, false, STALE_AFTER, ownersOfThisTest);

    // then: the dead worker's sandboxes stay: nobody can yet tell it from a live one
    assertThat(ids(containersOf(survivor.engine, deadOwner)))
        .containsAll(deadSandboxes)
        .contains(deadLease);

    // when: the survivor keeps sweeping as a running worker does (every second here)
    try (PeerSweeper sweeper =
        TestOwnership.peerSweeper(
            survivor.engine,
            survivor.owner,
            Duration.ofSeconds(1),
            STALE_AFTER,
            ownersOfThisTest)) {
      // then: once the lease has run out, the dead worker's sandboxes and its lease are removed
      await("the dead worker's containers removed")
          .atMost(Duration.ofSeconds(30))
          .until(() -> containersOf(survivor.engine, deadOwner).isEmpty());
    }
  }

  private static Set<String> running(SandboxHarness harness) {
    return sandboxesOf(harness).stream()
        .filter(c -> "running".equals(c.state()))
        .map(ContainerSummary::id)
        .collect(Collectors.toSet());
  }

  /** The container of HARNESS in which a process with COMMAND in its command line runs, or null. */
  private static String containerRunning(SandboxHarness harness, String command) {
    for (String id : running(harness)) {
      String[][] processes = harness.api.topContainerCmd(id).exec().getProcesses();
      for (String[] process : processes == null ? new String[0][] : processes) {
        if (String.join(" ", process).contains(command)) {
          return id;
        }
      }
    }
    return null;
  }

  /** Whether every one of CONTAINERS was created more than AGE ago by the engine's clock. */
  private static boolean allOlderThan(
      ContainerEngine engine, List<ContainerSummary> containers, Duration age) {
    long before = engine.time().minus(age).getEpochSecond();
    return containers.stream().allMatch(c -> c.createdEpochSecond() < before);
  }

  /** OWNER's containers of any role, its lease included. */
  private static List<ContainerSummary> containersOf(ContainerEngine engine, String owner) {
    return TestOwnership.listLabelled(engine, Map.of(ContainerFactory.OWNER_LABEL, owner));
  }

  /** The sandboxes of HARNESS's test in any state. */
  private static List<ContainerSummary> sandboxesOf(SandboxHarness harness) {
    return harness.containersOfThisTest().stream().map(DockerEngine::summaryOf).toList();
  }

  private static Set<String> ids(List<ContainerSummary> containers) {
    return containers.stream().map(ContainerSummary::id).collect(Collectors.toSet());
  }
}
