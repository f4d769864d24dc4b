package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobEvent;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One gateway against a real broker, with the test playing the worker. */
class GatewayKafkaIT {

  static final String JOB =
      "{\"language\": \"python\", \"files\": [{\"name\": \"main.py\", \"content\":"
          + " \"print('hi')\"}, {\"name\": \"data/in.bin\", \"content\": \"AP8=\", \"encoding\":"
          + " \"base64\"}], \"stdin\": \"x\", \"args\": [\"--flag\"], \"limits\": {\"wallTimeMs\":"
          + " 3000}}";

  private static KafkaFixture kafka;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    kafka = new KafkaFixture();
    gateway = TestGateway.withKafka(kafka.bootstrap, kafka.gatewayProperties());
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
  void shouldPublishTheAcceptedJobAndItsQueuedEvent() {
    // when
    HttpResponse<String> response = gateway.post("/v1/executions", JOB);

    // then
    assertThat(response.statusCode()).isEqualTo(202);
    String id = (String) Json.object(response.body()).get("id");
    assertThat(response.headers().firstValue("Location")).contains("/v1/executions/" + id);

    ExecuteJob job = kafka.awaitJob(id);
    assertThat(job.getTenant()).isEqualTo(TestGateway.TENANT);
    assertThat(job.getLanguage()).isEqualTo("python");
    assertThat(job.getVersion()).isNotEmpty();
    assertThat(job.getFilesCount()).isEqualTo(2);
    assertThat(job.getFiles(0).getName()).isEqualTo("main.py");
    assertThat(job.getFiles(0).getContent().toStringUtf8()).isEqualTo("print('hi')");
    assertThat(job.getFiles(1).getName()).isEqualTo("data/in.bin");
    assertThat(job.getFiles(1).getContent().toByteArray()).containsExactly(0x00, 0xFF);
    assertThat(job.getStdin().toStringUtf8()).isEqualTo("x");
    assertThat(job.getArgsList()).containsExactly("--flag");
    assertThat(job.getLimits().getWallTimeMs()).isEqualTo(3000);
    assertThat(job.getSubmittedAtMs()).isPositive();

    JobEvent queued = kafka.awaitQueuedEvent(id);
    assertThat(queued.getTenant()).isEqualTo(TestGateway.TENANT);
    assertThat(queued.getQueued().getLanguage()).isEqualTo("python");
    assertThat(queued.getQueued().getVersion()).isEqualTo(job.getVersion());
  }

  @Test
  void shouldFollowTheJobThroughRunningToItsResult() {
    // given an accepted job
    String id = submit();
    ExecuteJob job = kafka.awaitJob(id);

    // when a worker takes it
    kafka.publishStarted(job, "worker-a");

    // then
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> "RUNNING".equals(status(gateway.get("/v1/executions/" + id, TestGateway.KEY))));

    // when the worker finishes with output that is not UTF-8
    byte[] stdout = {'h', 'i', (byte) 0xC3, '\n'};
    kafka.publishResult(KafkaFixture.succeeded(job, "worker-a", stdout));

    // then
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> "SUCCEEDED".equals(status(gateway.get("/v1/executions/" + id, TestGateway.KEY))));
    Map<String, Object> body =
        Json.object(gateway.get("/v1/executions/" + id, TestGateway.KEY).body());
    assertThat(body).containsEntry("workerId", "worker-a").containsEntry("compile", null);
    @SuppressWarnings("unchecked")
    Map<String, Object> run = (Map<String, Object>) body.get("run");
    assertThat(run)
        .containsEntry("stdout", "hi\uFFFD\n")
        .containsEntry("stdoutBase64", Base64.getEncoder().encodeToString(stdout))
        .containsEntry("exitCode", 0);
  }

  @Test
  void shouldAnswerAWaitingPostWhenTheResultArrives() {
    // given a client waiting for its job (marked, as the id is unknown until the answer)
    String marker = java.util.UUID.randomUUID().toString();
    CompletableFuture<HttpResponse<String>> waiting =
        gateway.postAsync(
            "/v1/executions?wait=true&timeoutMs=30000", JOB.replace("--flag", marker));
    ExecuteJob job = kafka.awaitJobWithArg(marker);
    assertThat(waiting).isNotDone();

    // when
    kafka.publishResult(
        KafkaFixture.succeeded(job, "worker-b", "42\n".getBytes(StandardCharsets.UTF_8)));

    // then
    HttpResponse<String> response = waiting.join();
    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, Object> body = Json.object(response.body());
    assertThat(body).containsEntry("id", job.getJobId()).containsEntry("status", "SUCCEEDED");
    assertThat(body.get("run").toString()).contains("42");
  }

  @Test
  void shouldSkipUnreadableResultsAndKeepGoing() {
    // given garbage on the results topic
    kafka.publishRawResult("garbage", new byte[] {(byte) 0xFF, 0x01, 0x02});
    String id = submit();
    ExecuteJob job = kafka.awaitJob(id);

    // when a real result follows
    kafka.publishResult(KafkaFixture.succeeded(job, "worker-c", new byte[0]));

    // then
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> "SUCCEEDED".equals(status(gateway.get("/v1/executions/" + id, TestGateway.KEY))));
  }

  @Test
  void shouldAnswer401404And413AsProblems() {
    HttpResponse<String> noKey = gateway.get("/v1/executions/whatever", null);
    HttpResponse<String> unknown = gateway.get("/v1/executions/no-such-job", TestGateway.KEY);
    HttpResponse<String> tooLarge =
        gateway.send(
            gateway
                .request("/v1/executions")
                .header("Authorization", "Bearer " + TestGateway.KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[9 * 1024 * 1024]))
                .build());

    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    for (HttpResponse<String> response : new HttpResponse[] {noKey, unknown, tooLarge}) {
      assertThat(response.headers().firstValue("Content-Type"))
          .contains("application/problem+json");
    }
  }

  @Test
  void shouldAnswer413WhenKafkaRefusesAJobAsTooLarge() {
    // given a valid job (two 900 KB files) that does not compress below the jobs topic's 1 MiB
    // (KafkaFixture sets that limit on its topic; our own broker allows 16 MiB)
    byte[] noise = new byte[900_000];
    new java.util.Random(1).nextBytes(noise);
    String content = Base64.getEncoder().encodeToString(noise);
    String json =
        "{\"language\": \"python\", \"files\": [{\"name\": \"main.py\", \"content\": \""
            + content
            + "\", \"encoding\": \"base64\"}, {\"name\": \"b.bin\", \"content\": \""
            + content
            + "\", \"encoding\": \"base64\"}]}";

    // when
    HttpResponse<String> response = gateway.post("/v1/executions", json);

    // then the client learns the job is too large, and the gateway keeps accepting jobs
    assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(gateway.post("/v1/executions", JOB).statusCode()).isEqualTo(202);
  }

  @Test
  void shouldReportHealthyWhileKafkaIsUp() {
    HttpResponse<String> health = gateway.get("/health", null);

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
  }

  private static String submit() {
    HttpResponse<String> response = gateway.post("/v1/executions", JOB);
    assertThat(response.statusCode()).isEqualTo(202);
    return (String) Json.object(response.body()).get("id");
  }

  static String status(HttpResponse<String> response) {
    return response.statusCode() == 200
        ? (String) Json.object(response.body()).get("status")
        : null;
  }
}
