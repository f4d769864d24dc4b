package dev.gozo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gateways as real processes that share nothing but Kafka: submit through one and read or wait
 * through another, restart one, retry with an Idempotency-Key, hit the per-tenant queue limit, and
 * keep a ?wait=true request open across a worker crash.
 */
class GatewayFleetIT {

  private static SystemUnderTest system;
  private static GatewayClient first;
  private static GatewayClient second;

  @BeforeAll
  static void startSystem() {
    system = new SystemUnderTest();
    system.startBroker();
    system.createTopics();
    first = system.startGateway("first", Map.of("GOZO_MAX_QUEUED_PER_TENANT", "5"));
    second = system.startGateway("second", Map.of("GOZO_MAX_QUEUED_PER_TENANT", "5"));
  }

  @AfterAll
  static void stopSystem() {
    system.close();
  }

  @Test
  void shouldAnswerForAJobThroughAGatewayThatDidNotAcceptIt() {
    // given: no worker yet, so the job stays queued
    GatewayClient.Reply accepted = first.submit(GatewayClient.pythonJob("print('cross')"), "");
    String id = accepted.body().get("id").asText();

    // when
    ManagedProcess worker = system.startWorker("cross", Map.of());
    GatewayClient.Reply waited =
        second.submit(GatewayClient.pythonJob("print('waited')"), "?wait=true&timeoutMs=60000");

    // then
    assertThat(waited.status()).isEqualTo(200);
    assertThat(waited.body().get("run").get("stdout").asText()).isEqualTo("waited\n");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              GatewayClient.Reply read = second.get(id);
              assertThat(read.status()).isEqualTo(200);
              assertThat(read.body().get("status").asText()).isEqualTo("SUCCEEDED");
              assertThat(read.body().get("run").get("stdout").asText()).isEqualTo("cross\n");
            });
    assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
  }

  @Test
  void shouldReturnTheSameJobForARetriedPostWithTheSameIdempotencyKeyOnAnyGateway() {
    String key = "retry-" + UUID.randomUUID();
    GatewayClient.Reply original = first.submit(GatewayClient.pythonJob("print(1)"), "", key);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> second.get(original.body().get("id").asText()).status() == 200);

    GatewayClient.Reply retriedHere = first.submit(GatewayClient.pythonJob("print(1)"), "", key);
    GatewayClient.Reply retriedThere = second.submit(GatewayClient.pythonJob("print(1)"), "", key);

    assertThat(original.status()).isEqualTo(202);
    assertThat(retriedHere.body().get("id").asText()).isEqualTo(original.body().get("id").asText());
    assertThat(retriedThere.body().get("id").asText())
        .isEqualTo(original.body().get("id").asText());
  }

  @Test
  void shouldRunAJobOnceWhenTwoGatewaysReceiveTheSameIdempotencyKeyAtTheSameMoment()
      throws Exception {
    // given: a worker, and keys each sent to both gateways at the same moment
    ManagedProcess worker = system.startWorker("same-key", Map.of());
    int keys = 12;
    java.util.List<String> ids = new java.util.ArrayList<>();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < keys; i++) {
        String key = "race-" + UUID.randomUUID();
        String job = GatewayClient.pythonJob("print('once')");
        var go = new java.util.concurrent.CountDownLatch(1);
        var viaFirst =
            pool.submit(
                () -> {
                  go.await();
                  return first.submit(job, "", key);
                });
        var viaSecond =
            pool.submit(
                () -> {
                  go.await();
                  return second.submit(job, "", key);
                });
        go.countDown();
        GatewayClient.Reply a = viaFirst.get(30, java.util.concurrent.TimeUnit.SECONDS);
        GatewayClient.Reply b = viaSecond.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(a.status()).as(a.body().toString()).isEqualTo(202);
        assertThat(b.status()).as(b.body().toString()).isEqualTo(202);
        assertThat(b.body().get("id").asText()).isEqualTo(a.body().get("id").asText());
        String id = a.body().get("id").asText();
        ids.add(id);
        // one key at a time: the tenant may queue only 5 jobs on these gateways
        await()
            .atMost(Duration.ofSeconds(90))
            .untilAsserted(
                () -> {
                  GatewayClient.Reply read = second.get(id);
                  assertThat(read.status()).isEqualTo(200);
                  assertThat(read.body().get("status").asText()).isEqualTo("SUCCEEDED");
                });
      }
    } finally {
      pool.shutdownNow();
    }

    // then: each ran exactly once (before, the second record of a key ran a second time), and
    // the race really happened: for some keys both gateways published a record
    for (String id : ids) {
      assertThat(worker.count("job " + id + " started")).as(id).isEqualTo(1);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> worker.count("is a repeat of the one at offset") > 0);
    assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
  }

  @Test
  void shouldAnswer429WithRetryAfterWhenATenantQueuedTooManyJobs() {
    // given: no worker runs, so jobs stay queued; the limit is 5 per tenant
    int accepted = 0;
    GatewayClient.Reply refused = null;
    for (int i = 0; i < 20 && refused == null; i++) {
      GatewayClient.Reply reply = first.submit(GatewayClient.pythonJob("print(" + i + ")"), "");
      if (reply.status() == 202) {
        accepted++;
      } else {
        refused = reply;
      }
    }

    assertThat(refused).isNotNull();
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.raw().headers().firstValue("Retry-After")).isPresent();
    assertThat(refused.raw().headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
    assertThat(accepted).isLessThanOrEqualTo(5);

    // and once a worker drains the queue, the tenant may submit again
    ManagedProcess worker = system.startWorker("drain", Map.of());
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> first.submit(GatewayClient.pythonJob("print('again')"), "").status() == 202);
    assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
  }

  @Test
  void shouldStillServeFinishedResultsAfterAGatewayRestart() {
    ManagedProcess worker = system.startWorker("restart", Map.of());
    GatewayClient.Reply done =
        first.submit(GatewayClient.pythonJob("print('durable')"), "?wait=true&timeoutMs=60000");
    assertThat(done.status()).isEqualTo(200);
    String id = done.body().get("id").asText();

    // when
    assertThat(first.process.terminate(Duration.ofSeconds(30))).isNotEqualTo(-1);
    first.process.start();
    first.awaitHealthy(Duration.ofSeconds(90));

    // then
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              GatewayClient.Reply read = first.get(id);
              assertThat(read.status()).isEqualTo(200);
              assertThat(read.body().get("status").asText()).isEqualTo("SUCCEEDED");
              assertThat(read.body().get("run").get("stdout").asText()).isEqualTo("durable\n");
            });
    assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
  }

  @Test
  void shouldKeepAWaitingRequestOpenAcrossAWorkerCrash() throws Exception {
    // given: the only worker will die while running the job
    ManagedProcess doomed =
        system.startWorker("wait-doomed", Map.of("GOZO_WORKER_CONCURRENCY", "1"));
    ManagedProcess rescuer = null;
    var waiting =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                second.submit(
                    GatewayClient.pythonJob("import time\ntime.sleep(3)\nprint('survived')"),
                    "?wait=true&timeoutMs=110000"));
    await().atMost(Duration.ofSeconds(30)).until(() -> doomed.count(" started (attempt 1)") >= 1);

    // when
    doomed.kill();
    rescuer = system.startWorker("wait-rescuer", Map.of());

    // then
    GatewayClient.Reply reply = waiting.get(120, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(reply.body().get("run").get("stdout").asText()).isEqualTo("survived\n");
    assertThat(rescuer.terminate(Duration.ofSeconds(30))).isZero();
  }
}
