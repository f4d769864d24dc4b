package dev.gozo.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.SourceFile;
import dev.gozo.worker.intake.DeliveredRecord;
import dev.gozo.worker.intake.JobProcessor;
import dev.gozo.worker.intake.ShareGroupIntake;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker's own health and the conditions under which it must not take jobs, against a real
 * broker: its {@code GET /health}, a share group the broker refuses to configure as required, and a
 * job slot that dies.
 */
class WorkerHealthIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private KafkaTestSupport kafka;
  private WorkerMain.Worker worker;
  private WorkerMain.Worker other;

  @BeforeEach
  void createTopics() throws Exception {
    kafka = new KafkaTestSupport();
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (WorkerMain.Worker w : new WorkerMain.Worker[] {worker, other}) {
      if (w != null) {
        w.stop();
      }
    }
    kafka.close();
  }

  @Test
  void shouldReportUpWithEngineShareGroupAndEverySlot() throws Exception {
    worker = WorkerMain.Worker.start(kafka.workerConfig(id("healthy"), 2));

    HttpResponse<String> health = get(worker.healthPort());

    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(health.body())
        .contains("\"status\":\"UP\"")
        .contains("\"engine\":{\"reachable\":true}")
        .contains("\"shareGroup\":{\"configured\":true,\"problem\":null}")
        .contains("\"alive\":2,\"configured\":2");
  }

  @Test
  void shouldTakeNoJobWhileTheBrokerRefusesTheShareGroupsLock() throws Exception {
    // given: a lock above the broker's group.share.max.record.lock.duration.ms (300 s here);
    // before, the worker warned and ran with the broker's default lock (60 s)
    Map<String, String> env = kafka.workerEnvironment(id("refused"), 2);
    env.put("GOZO_LOCK_DURATION_MS", "400000");
    worker = WorkerMain.Worker.start(WorkerConfig.fromEnvironment(env));
    String job = "refused-" + UUID.randomUUID();
    kafka.publishJob(job, pythonJob(job).toByteArray());

    // then: it says why on /health and runs nothing
    HttpResponse<String> health = get(worker.healthPort());
    assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
    assertThat(health.body())
        .contains("\"status\":\"DOWN\"")
        .contains("\"configured\":false")
        .contains("share.record.lock.duration.ms");
    assertThat(kafka.readResultsFor(job, 1, Duration.ofSeconds(8))).isEmpty();

    // and the job was there all along: a worker whose group is configured runs it
    other = WorkerMain.Worker.start(kafka.workerConfig(id("accepted"), 1));
    var results = kafka.readResultsFor(job, 2, Duration.ofSeconds(60));
    assertThat(results).hasSize(1);
    assertThat(dev.gozo.protocol.v1.JobCompleted.parseFrom(results.get(0).value()).getStatus())
        .isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void shouldRestartASlotThatDiesAndKeepTakingJobs() throws Exception {
    // given: one slot, whose first record throws an Error out of the handler (before, the slot's
    // thread ended and the worker went on with no slot at all)
    Set<String> handled = ConcurrentHashMap.newKeySet();
    AtomicBoolean failed = new AtomicBoolean();
    try (ShareGroupIntake intake =
        new ShareGroupIntake(
            kafka.bootstrap,
            kafka.group,
            kafka.jobs,
            1,
            (DeliveredRecord record) -> {
              if (failed.compareAndSet(false, true)) {
                throw new AssertionError("a bug in the slot");
              }
              handled.add(record.key());
              return JobProcessor.Decision.ACCEPT;
            },
            () -> true)) {
      intake.start();
      List<String> keys =
          List.of("a-" + UUID.randomUUID(), "b-" + UUID.randomUUID(), "c-" + UUID.randomUUID());
      for (String key : keys) {
        kafka.publishJob(key, new byte[] {1});
      }

      // then: every record is handled, the failed one too (released on close, delivered again)
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(handled).containsExactlyInAnyOrderElementsOf(keys));
      assertThat(intake.restarts()).isEqualTo(1);
      assertThat(intake.aliveSlots()).isEqualTo(1);
    }
  }

  private static HttpResponse<String> get(int port) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static ExecuteJob pythonJob(String id) {
    return ExecuteJob.newBuilder()
        .setJobId(id)
        .setTenant("acme")
        .setLanguage("python")
        .addFiles(
            SourceFile.newBuilder()
                .setName("main.py")
                .setContent(ByteString.copyFromUtf8("print(1)")))
        .setSubmittedAtMs(System.currentTimeMillis())
        .build();
  }

  private static String id(String name) {
    return "it-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
  }
}
