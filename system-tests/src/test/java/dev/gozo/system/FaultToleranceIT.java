package dev.gozo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults injected into real processes: workers killed with SIGKILL or stopped with SIGTERM, a
 * poison job, the Docker engine failing under a worker, the broker restarting under load. Each test
 * counts results: N submitted, N final, nothing lost, no container left behind. The tests run in
 * any order: each starts the workers it needs, and whatever it leaves running (a test that failed
 * half-way) is stopped after it, the broker restarted if it was stopped; a job a test leaves
 * unfinished can only delay, never fail, the next test's own jobs, which it counts by id.
 */
class FaultToleranceIT {

  private static SystemUnderTest system;
  private static GatewayClient gateway;

  @BeforeAll
  static void startSystem() {
    system = new SystemUnderTest();
    system.startBroker();
    system.createTopics();
    gateway = system.startGateway("a");
  }

  @AfterEach
  void leaveNothingRunningForTheNextTest() {
    system.stopWorkers();
    system.ensureBrokerRunning();
  }

  @AfterAll
  static void stopSystem() {
    system.close();
  }

  private static String submit(String code) {
    GatewayClient.Reply reply = gateway.submit(GatewayClient.pythonJob(code), "");
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
    return reply.body().get("id").asText();
  }

  private static String status(String id) {
    GatewayClient.Reply reply = gateway.get(id);
    return reply.status() == 200 ? reply.body().get("status").asText() : "HTTP " + reply.status();
  }

  private static Map<String, String> awaitFinal(List<String> ids, Duration timeout) {
    Map<String, String> statuses = new HashMap<>();
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (String id : ids) {
                statuses.put(id, status(id));
              }
              assertThat(statuses.values()).allMatch(GatewayClient.FINAL_STATUSES::contains);
            });
    return statuses;
  }

  @Test
  void shouldRunTheJobsOfAKilledWorkerOnAnotherWorkerAndCleanItsOrphansOnRestart() {
    // given: two workers, more slow jobs than slots
    ManagedProcess doomed = system.startWorker("doomed", Map.of());
    ManagedProcess survivor = system.startWorker("survivor", Map.of());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(submit("import time\ntime.sleep(3)\nprint(" + i + ")"));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ids.stream().filter(id -> status(id).equals("RUNNING")).count() >= 3);

    // when: one worker dies without any chance to clean up
    doomed.kill();

    // then: every job gets exactly one final result, all of them correct
    Map<String, String> statuses = awaitFinal(ids, Duration.ofSeconds(120));
    assertThat(statuses.values()).containsOnly("SUCCEEDED");
    for (int i = 0; i < ids.size(); i++) {
      assertThat(gateway.get(ids.get(i)).body().get("run").get("stdout").asText())
          .isEqualTo(i + "\n");
    }
    // and the containers the dead worker left are removed by its next life
    assertThat(Docker.containersOwnedBy(system.prefix + "-doomed")).isNotEmpty();
    doomed.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> doomed.count("removed") >= 1 && doomed.count(" started: ") >= 2);
    assertThat(doomed.terminate(Duration.ofSeconds(30))).isZero();
    assertThat(survivor.terminate(Duration.ofSeconds(30))).isZero();
    assertThat(Docker.containersOwnedBy(system.prefix + "-doomed")).isEmpty();
    assertThat(Docker.containersOwnedBy(system.prefix + "-survivor")).isEmpty();
  }

  @Test
  void shouldFinishRunningJobsOnSigtermThenExitZeroWithoutContainers() {
    // given
    ManagedProcess worker = system.startWorker("graceful", Map.of());
    String id = submit("import time\ntime.sleep(4)\nprint('finished')");
    await().atMost(Duration.ofSeconds(30)).until(() -> status(id).equals("RUNNING"));

    // when
    int exit = worker.terminate(Duration.ofSeconds(40));

    // then
    assertThat(exit).as(worker.log()).isZero();
    assertThat(status(id)).isEqualTo("SUCCEEDED");
    assertThat(worker.log()).contains("all running jobs finished");
    assertThat(Docker.containersOwnedBy(system.prefix + "-graceful")).isEmpty();
  }

  @Test
  void shouldHandBackJobsWhileDockerIsDownAndRunThemWhenItReturns() throws Exception {
    // given: a worker whose Docker engine is behind a proxy the test controls
    try (UnixSocketProxy proxy =
        new UnixSocketProxy(
            system.workDir.resolve("docker-proxy.sock"), Path.of("/var/run/docker.sock"))) {
      proxy.up();
      ManagedProcess worker =
          system.startWorker(
              "flaky-docker",
              Map.of("DOCKER_HOST", proxy.dockerHost(), "GOZO_WORKER_CONCURRENCY", "1"));
      String first = submit("print('before')");
      assertThat(awaitFinal(List.of(first), Duration.ofSeconds(60))).containsValue("SUCCEEDED");

      // when: the engine goes away while jobs arrive
      proxy.down();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ids.add(submit("print('during " + i + "')"));
      }
      await()
          .during(Duration.ofSeconds(8))
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  ids.stream().noneMatch(id -> GatewayClient.FINAL_STATUSES.contains(status(id))));
      proxy.up();

      // then: nothing was failed; everything runs once the engine is back
      Map<String, String> statuses = awaitFinal(ids, Duration.ofSeconds(90));
      assertThat(statuses.values()).containsOnly("SUCCEEDED");
      assertThat(worker.log()).contains("circuit");
      assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
    }
  }

  @Test
  void shouldGiveUpOnAJobThatKillsItsWorkerEveryTimeWithoutBlockingOthers() {
    // given: a job that "kills its worker" (we kill the worker whenever it runs that job)
    ManagedProcess worker = system.startWorker("poisoned", Map.of("GOZO_WORKER_CONCURRENCY", "1"));
    String poison = submit("import time\ntime.sleep(25)");
    for (int attempt = 1; attempt <= 3; attempt++) {
      String started = "job " + poison + " started (attempt " + attempt + ")";
      await().atMost(Duration.ofSeconds(60)).until(() -> worker.log().contains(started));
      worker.kill();
      worker.start();
    }
    String innocent = submit("print('not blocked')");

    // then
    Map<String, String> statuses = awaitFinal(List.of(poison, innocent), Duration.ofSeconds(120));
    assertThat(statuses.get(poison)).isEqualTo("INTERNAL_ERROR");
    assertThat(gateway.get(poison).body().get("message").asText()).contains("gave up");
    assertThat(statuses.get(innocent)).isEqualTo("SUCCEEDED");
    assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
  }

  @Test
  void shouldAnswer503WhileTheBrokerIsDownAndCompleteEveryAcceptedJobAfterItsRestart() {
    // given
    ManagedProcess worker = system.startWorker("broker-restart", Map.of());
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      before.add(submit("print(" + i + ")"));
    }

    // when: the broker stops
    system.stopBroker();
    long started = System.nanoTime();
    GatewayClient.Reply during = gateway.submit(GatewayClient.pythonJob("print('during')"), "");
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    // then: a fast 503 with Retry-After, never a hang
    assertThat(during.status()).isEqualTo(503);
    assertThat(during.raw().headers().firstValue("Retry-After")).isPresent();
    assertThat(tookMs).isLessThan(5000);
    assertThat(gateway.health()).isEqualTo(503);

    // and after the restart everything recovers by itself
    system.startBroker();
    await().atMost(Duration.ofSeconds(60)).until(() -> gateway.health() == 200);
    List<String> after = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              GatewayClient.Reply reply =
                  gateway.submit(GatewayClient.pythonJob("print('after')"), "");
              assertThat(reply.status()).isEqualTo(202);
              after.add(reply.body().get("id").asText());
            });
    List<String> all = new ArrayList<>(before);
    all.addAll(after);
    assertThat(awaitFinal(all, Duration.ofSeconds(120)).values()).containsOnly("SUCCEEDED");
    assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
  }
}
