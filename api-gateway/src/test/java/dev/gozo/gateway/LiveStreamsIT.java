package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gozo.gateway.live.LiveHub;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobInput;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.OutputStream;
import dev.gozo.protocol.v1.Stage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live stream (GET /v1/executions/{id}/events) and cancel (DELETE) of one gateway against a
 * real broker, with the test publishing what a worker would: started events, output records,
 * results.
 */
class LiveStreamsIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static KafkaFixture kafka;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    kafka = new KafkaFixture();
    Map<String, Object> props = new java.util.HashMap<>(kafka.gatewayProperties());
    props.put("gozo.sse-heartbeat-ms", 300);
    // Small, so a stalled reader is ended after a few hundred KiB of output.
    props.put("gozo.live-subscriber-max-bytes", 256 * 1024);
    gateway = TestGateway.withKafka(kafka.bootstrap, props);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldStreamStagesAndOutputInOrderWithTheResultLast() {
    // given a job and a client following it
    ExecuteJob job = kafka.awaitJob(submit());
    try (SseClient client = follow(job, null)) {
      assertThat(client.status).isEqualTo(200);
      assertThat(client.contentType).startsWith("text/event-stream");
      await().atMost(WAIT).until(() -> client.names().contains("queued"));

      // when a worker runs it: compile, then run, output on both streams, one chunk not UTF-8
      byte[] notUtf8 = {'o', 'k', (byte) 0xFF, '\n'};
      kafka.publishStarted(job, "w1", 1);
      kafka.publishStage(job, 1, 1, Stage.STAGE_COMPILE);
      kafka.publishChunk(job, 1, 2, OutputStream.STDERR, bytes("warning\n"));
      kafka.publishStage(job, 1, 3, Stage.STAGE_RUN);
      kafka.publishChunk(job, 1, 4, OutputStream.STDOUT, bytes("line 1\n"));
      kafka.publishChunk(job, 1, 5, OutputStream.STDERR, bytes("oops\n"));
      kafka.publishChunk(job, 1, 6, OutputStream.STDOUT, notUtf8);
      kafka.publishResult(result(job, 1, 6));

      // then
      await().atMost(WAIT).until(client.ended::get);
      assertThat(client.names())
          .containsExactly(
              "queued", "started", "stage", "stderr", "stage", "stdout", "stderr", "stdout",
              "result");
      assertThat(client.ids())
          .containsExactly("0-0", "1-0", "1-1", "1-2", "1-3", "1-4", "1-5", "1-6", "result");
      assertThat(Json.object(client.events.get(2).data())).containsEntry("stage", "compile");
      assertThat(Json.object(client.events.get(4).data())).containsEntry("stage", "run");
      assertThat(Json.object(client.events.get(5).data()))
          .containsEntry("data", "line 1\n")
          .doesNotContainKey("base64");
      assertThat(Json.object(client.events.get(7).data()))
          .containsEntry("data", Base64.getEncoder().encodeToString(notUtf8))
          .containsEntry("base64", true);
      String get = gateway.get("/v1/executions/" + job.getJobId(), TestGateway.KEY).body();
      assertThat(client.last().data()).isEqualTo(get);
      assertThat(Json.object(get)).containsEntry("status", "SUCCEEDED");
    }
  }

  @Test
  void shouldReplayAFinishedJobsWholeStreamAndResumeAfterAnyId() {
    // given a job that ran to its end before anyone followed it
    ExecuteJob job = kafka.awaitJob(submit());
    kafka.publishStarted(job, "w1", 1);
    kafka.publishStage(job, 1, 1, Stage.STAGE_RUN);
    kafka.publishChunk(job, 1, 2, OutputStream.STDOUT, bytes("a"));
    kafka.publishChunk(job, 1, 3, OutputStream.STDOUT, bytes("b"));
    kafka.publishResult(result(job, 1, 3));
    awaitStatus(job, "SUCCEEDED");

    // when
    SseClient whole = follow(job, null);
    SseClient rest = follow(job, "1-2");
    SseClient none = follow(job, "result");

    // then
    await().atMost(WAIT).until(() -> whole.ended.get() && rest.ended.get());
    assertThat(whole.ids()).containsExactly("0-0", "1-0", "1-1", "1-2", "1-3", "result");
    assertThat(rest.ids()).containsExactly("1-3", "result");
    assertThat(none.status).isEqualTo(204);
    List.of(whole, rest, none).forEach(SseClient::close);
  }

  @Test
  void shouldResumeAfterAForcedDisconnectWithNothingLostOrRepeated() {
    // given a client that got the start of a running job's stream
    ExecuteJob job = kafka.awaitJob(submit());
    kafka.publishStarted(job, "w1", 1);
    kafka.publishStage(job, 1, 1, Stage.STAGE_RUN);
    SseClient first = follow(job, null);
    kafka.publishChunk(job, 1, 2, OutputStream.STDOUT, bytes("one\n"));
    await().atMost(WAIT).until(() -> first.ids().contains("1-2"));

    // when its connection drops, the job goes on, and it reconnects with its last id
    first.close();
    String lastId = first.last().id();
    kafka.publishChunk(job, 1, 3, OutputStream.STDOUT, bytes("two\n"));
    kafka.publishChunk(job, 1, 4, OutputStream.STDERR, bytes("three\n"));
    SseClient second = follow(job, lastId);
    kafka.publishChunk(job, 1, 5, OutputStream.STDOUT, bytes("four\n"));
    kafka.publishResult(result(job, 1, 5));

    // then the two connections together saw every event exactly once, in order
    await().atMost(WAIT).until(second.ended::get);
    List<String> all = new ArrayList<>(first.ids());
    all.addAll(second.ids());
    assertThat(all).containsExactly("0-0", "1-0", "1-1", "1-2", "1-3", "1-4", "1-5", "result");
    second.close();
  }

  @Test
  void shouldShowARedeliveredJobStartingAgainWithItsNewStream() {
    // given a job whose first worker died after some output
    ExecuteJob job = kafka.awaitJob(submit());
    SseClient client = follow(job, null);
    kafka.publishStarted(job, "w1", 1);
    kafka.publishStage(job, 1, 1, Stage.STAGE_RUN);
    kafka.publishChunk(job, 1, 2, OutputStream.STDOUT, bytes("first try\n"));

    // when another worker takes it again
    kafka.publishStarted(job, "w2", 2);
    kafka.publishStage(job, 2, 1, Stage.STAGE_RUN);
    kafka.publishChunk(job, 2, 2, OutputStream.STDOUT, bytes("second try\n"));
    kafka.publishResult(result(job, 2, 2));

    // then
    await().atMost(WAIT).until(client.ended::get);
    assertThat(client.ids())
        .containsExactly("0-0", "1-0", "1-1", "1-2", "2-0", "2-1", "2-2", "result");
    assertThat(client.names()).filteredOn("started"::equals).hasSize(2);
    client.close();
  }

  @Test
  void shouldSendTheResultAfterAShortGraceWhenCountedRecordsNeverCome() {
    // given a result that counts 3 records of which only 1 was published
    ExecuteJob job = kafka.awaitJob(submit());
    SseClient client = follow(job, null);
    kafka.publishStarted(job, "w1", 1);
    kafka.publishStage(job, 1, 1, Stage.STAGE_RUN);
    await().atMost(WAIT).until(() -> client.ids().contains("1-1"));

    // when
    long start = System.nanoTime();
    kafka.publishResult(result(job, 1, 3));

    // then the result still comes, after the grace
    await().atMost(WAIT).until(client.ended::get);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1500));
    assertThat(client.ids()).containsExactly("0-0", "1-0", "1-1", "result");
    client.close();
  }

  @Test
  void shouldKeepAnIdleStreamAliveWithHeartbeats() {
    ExecuteJob job = kafka.awaitJob(submit());
    try (SseClient client = follow(job, null)) {
      await().atMost(WAIT).until(() -> client.comments.get() >= 2);
      assertThat(client.names()).containsExactly("queued");
    }
  }

  @Test
  void shouldNotLetAStalledReaderHoldUpAnotherAndEndItsStreamForItToResume() {
    // given one client that reads nothing and one that reads
    ExecuteJob job = kafka.awaitJob(submit());
    kafka.publishStarted(job, "w1", 1);
    SseClient stalled = SseClient.stalled(gateway, eventsPath(job), TestGateway.KEY);
    SseClient reading = follow(job, null);
    await().atMost(WAIT).until(() -> reading.names().contains("started"));

    // when the job writes far more than the stalled client's buffers and bound hold
    int chunks = 300;
    byte[] chunk = new byte[32 * 1024];
    java.util.Arrays.fill(chunk, (byte) 'x');
    for (int seq = 1; seq <= chunks; seq++) {
      kafka.publishChunk(job, 1, seq, OutputStream.STDOUT, chunk);
    }
    kafka.publishResult(result(job, 1, chunks));

    // then the reading client got everything
    await().atMost(WAIT).until(reading.ended::get);
    assertThat(reading.events).hasSize(2 + chunks + 1);
    assertThat(reading.last().name()).isEqualTo("result");

    // and the stalled one, once it reads, finds its stream ended early, and resumes without gaps
    stalled.resume();
    await().atMost(WAIT).until(stalled.ended::get);
    assertThat(stalled.names()).doesNotContain("result");
    SseClient resumed = follow(job, stalled.last().id());
    await().atMost(WAIT).until(resumed.ended::get);
    List<String> all = new ArrayList<>(stalled.ids());
    all.addAll(resumed.ids());
    assertThat(all).isEqualTo(reading.ids());
    List.of(stalled, reading, resumed).forEach(SseClient::close);
    await().atMost(WAIT).until(() -> gateway.bean(LiveHub.class).subscriberCount() == 0);
  }

  @Test
  void shouldAnswer404ForAnotherTenantsOrAnUnknownJobOnEveryNewEndpoint() {
    ExecuteJob job = kafka.awaitJob(submit());

    SseClient otherEvents = SseClient.open(gateway, eventsPath(job), TestGateway.OTHER_KEY, null);
    SseClient unknown =
        SseClient.open(
            gateway,
            "/v1/executions/" + java.util.UUID.randomUUID() + "/events",
            TestGateway.KEY,
            null);
    HttpResponse<String> otherDelete = delete(job.getJobId(), TestGateway.OTHER_KEY);

    assertThat(otherEvents.status).isEqualTo(404);
    assertThat(otherEvents.contentType).startsWith("application/problem+json");
    assertThat(unknown.status).isEqualTo(404);
    assertThat(otherDelete.statusCode()).isEqualTo(404);
    assertThat(otherDelete.headers().firstValue("Content-Type"))
        .contains("application/problem+json");
    List.of(otherEvents, unknown).forEach(SseClient::close);
  }

  @Test
  void shouldPublishACancelForAJobNotFinishedAndRefuseOneThatFinished() {
    // given a queued job
    ExecuteJob job = kafka.awaitJob(submit());

    // when
    HttpResponse<String> accepted = delete(job.getJobId(), TestGateway.KEY);

    // then the workers are told to cancel it
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(Json.object(accepted.body()))
        .containsEntry("id", job.getJobId())
        .containsEntry("cancelRequested", true);
    JobInput cancel = kafka.awaitInputs(job.getJobId(), 1).get(0);
    assertThat(cancel.hasCancel()).isTrue();
    assertThat(cancel.getTenant()).isEqualTo(TestGateway.TENANT);

    // when the worker answers CANCELLED, a second DELETE is a conflict and the status stays
    kafka.publishResult(result(job, 1, 0).toBuilder().setStatus(JobStatus.CANCELLED).build());
    awaitStatus(job, "CANCELLED");
    HttpResponse<String> again = delete(job.getJobId(), TestGateway.KEY);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(again.body()).contains("CANCELLED");
    assertThat(kafka.awaitInputs(job.getJobId(), 1)).hasSize(1);
  }

  private static String submit() {
    HttpResponse<String> response = gateway.post("/v1/executions", GatewayKafkaIT.JOB);
    assertThat(response.statusCode()).isEqualTo(202);
    return (String) Json.object(response.body()).get("id");
  }

  private static SseClient follow(ExecuteJob job, String lastEventId) {
    return SseClient.open(gateway, eventsPath(job), TestGateway.KEY, lastEventId);
  }

  private static String eventsPath(ExecuteJob job) {
    return "/v1/executions/" + job.getJobId() + "/events";
  }

  private static HttpResponse<String> delete(String id, String key) {
    return gateway.send(
        gateway
            .request("/v1/executions/" + id)
            .header("Authorization", "Bearer " + key)
            .DELETE()
            .build());
  }

  private static void awaitStatus(ExecuteJob job, String status) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                status.equals(
                    Json.object(
                            gateway.get("/v1/executions/" + job.getJobId(), TestGateway.KEY).body())
                        .get("status")));
  }

  static JobCompleted result(ExecuteJob job, int attempt, long records) {
    return KafkaFixture.succeeded(job, "w" + attempt, bytes("done\n")).toBuilder()
        .setDeliveryAttempt(attempt)
        .setOutputRecords(records)
        .build();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
