package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.gozo.gateway.fakes.FakeClusterProbe;
import dev.gozo.gateway.fakes.RecordingJobPublisher;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobEvent;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.LimitKind;
import dev.gozo.protocol.v1.StepResult;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API against a gateway whose Kafka is faked. */
class ExecutionsApiTest {

  private static final String HELLO =
      "{\"language\": \"py\", \"files\": [{\"name\": \"main.py\", \"content\": \"print('hi')\"}],"
          + " \"stdin\": \"in\", \"args\": [\"a\"], \"limits\": {\"memoryMb\": 64}}";

  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.withFakeKafka(Map.of("gozo.max-body-bytes", 65536));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void shouldAcceptAJobAndPublishItForTheKeysTenant() {
    // when
    HttpResponse<String> response = gateway.post("/v1/executions", HELLO);

    // then
    assertThat(response.statusCode()).isEqualTo(202);
    Map<String, Object> body = Json.object(response.body());
    String id = (String) body.get("id");
    assertThat(body).containsEntry("status", "QUEUED").containsEntry("language", "python");
    assertThat(response.headers().firstValue("Location")).contains("/v1/executions/" + id);

    ExecuteJob job = published(id);
    assertThat(job.getTenant()).isEqualTo(TestGateway.TENANT);
    assertThat(job.getLanguage()).isEqualTo("python");
    assertThat(job.getVersion()).isNotEmpty();
    assertThat(job.getFiles(0).getContent().toStringUtf8()).isEqualTo("print('hi')");
    assertThat(job.getStdin().toStringUtf8()).isEqualTo("in");
    assertThat(job.getArgsList()).containsExactly("a");
    assertThat(job.getLimits().getMemoryMb()).isEqualTo(64);
    assertThat(job.getSubmittedAtMs())
        .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));

    JobEvent queued =
        gateway.bean(RecordingJobPublisher.class).events.stream()
            .filter(e -> e.getJobId().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(queued.getQueued().getLanguage()).isEqualTo("python");
    assertThat(queued.getTenant()).isEqualTo(TestGateway.TENANT);
  }

  @Test
  void shouldShowAnAcceptedJobAsQueuedToItsTenantOnly() {
    String id = submit();

    HttpResponse<String> mine = gateway.get("/v1/executions/" + id, TestGateway.KEY);
    HttpResponse<String> theirs = gateway.get("/v1/executions/" + id, TestGateway.OTHER_KEY);

    assertThat(mine.statusCode()).isEqualTo(200);
    assertThat(Json.object(mine.body())).containsEntry("status", "QUEUED");
    assertThat(theirs.statusCode()).isEqualTo(404);
    assertThat(theirs.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  void shouldRenderAFinishedJobWithExactBytesForInvalidUtf8() {
    // given a finished job whose stdout is not UTF-8 and whose stderr holds a NUL
    String id = submit();
    byte[] stdout = {'o', 'k', (byte) 0xFF, '\n'};
    store()
        .recordCompleted(
            JobCompleted.newBuilder()
                .setJobId(id)
                .setTenant(TestGateway.TENANT)
                .setStatus(JobStatus.RUNTIME_ERROR)
                .setLanguage("python")
                .setVersion("3.11.2")
                .setWorkerId("worker-1")
                .setMessage("exit code 3")
                .setRun(
                    StepResult.newBuilder()
                        .setStdout(ByteString.copyFrom(stdout))
                        .setStderr(ByteString.copyFromUtf8("a\u0000b"))
                        .setExitCode(3)
                        .setWallTimeMs(12)
                        .setCpuTimeMs(7)
                        .setMemoryBytes(1 << 20)
                        .setStdoutTruncated(true)
                        .setLimitHit(LimitKind.LIMIT_NONE))
                .setStartedAtMs(1_700_000_000_000L)
                .setFinishedAtMs(1_700_000_001_500L)
                .build());

    // when
    HttpResponse<String> response = gateway.get("/v1/executions/" + id, TestGateway.KEY);

    // then
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"compile\":null").contains("a\\u0000b");
    Map<String, Object> body = Json.object(response.body());
    assertThat(body)
        .containsEntry("id", id)
        .containsEntry("status", "RUNTIME_ERROR")
        .containsEntry("language", "python")
        .containsEntry("version", "3.11.2")
        .containsEntry("message", "exit code 3")
        .containsEntry("workerId", "worker-1")
        .containsEntry("startedAt", "2023-11-14T22:13:20Z")
        .containsEntry("finishedAt", "2023-11-14T22:13:21.500Z");
    assertThat((String) body.get("createdAt")).endsWith("Z");
    @SuppressWarnings("unchecked")
    Map<String, Object> run = (Map<String, Object>) body.get("run");
    assertThat(run)
        .containsEntry("stdout", "ok\uFFFD\n")
        .containsEntry("stdoutBase64", Base64.getEncoder().encodeToString(stdout))
        .containsEntry("stderr", "a\u0000b")
        .doesNotContainKey("stderrBase64")
        .containsEntry("exitCode", 3)
        .containsEntry("signal", 0)
        .containsEntry("wallTimeMs", 12)
        .containsEntry("cpuTimeMs", 7)
        .containsEntry("memoryBytes", 1 << 20)
        .containsEntry("stdoutTruncated", true)
        .containsEntry("stderrTruncated", false)
        .containsEntry("limitHit", "NONE");
  }

  @Test
  void shouldAnswerWaitWithTheResultOnceItArrives() {
    // given a waiting request (count the published jobs first: the job may be published before
    // postAsync returns)
    RecordingJobPublisher publisher = gateway.bean(RecordingJobPublisher.class);
    int before = publisher.jobs.size();
    CompletableFuture<HttpResponse<String>> waiting =
        gateway.postAsync("/v1/executions?wait=true&timeoutMs=20000", HELLO);
    await().atMost(Duration.ofSeconds(10)).until(() -> publisher.jobs.size() > before);
    ExecuteJob job = publisher.jobs.get(publisher.jobs.size() - 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> store().waitingRequests() > 0);
    assertThat(waiting).isNotDone();

    // when the worker's result arrives
    store().recordCompleted(succeeded(job.getJobId(), "hi\n"));

    // then
    HttpResponse<String> response = waiting.join();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.object(response.body()))
        .containsEntry("id", job.getJobId())
        .containsEntry("status", "SUCCEEDED");
  }

  @Test
  void shouldAnswer202WithTheCurrentStateWhenWaitingTimesOut() {
    HttpResponse<String> response = gateway.post("/v1/executions?wait=true&timeoutMs=200", HELLO);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(Json.object(response.body())).containsEntry("status", "QUEUED");
    assertThat(response.headers().firstValue("Location")).isPresent();
  }

  @Test
  void shouldLetGetWaitForARunningJob() {
    // given
    String id = submit();
    store().recordStarted(id, TestGateway.TENANT, "worker-2", System.currentTimeMillis());
    CompletableFuture<HttpResponse<String>> waiting =
        gateway.getAsync("/v1/executions/" + id + "?wait=true", TestGateway.KEY);
    await().atMost(Duration.ofSeconds(10)).until(() -> store().waitingRequests() > 0);

    // when
    store().recordCompleted(succeeded(id, "done"));

    // then
    HttpResponse<String> response = waiting.join();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.object(response.body())).containsEntry("status", "SUCCEEDED");
  }

  @Test
  void shouldReportRunningWithWorkerAndStartTime() {
    String id = submit();

    store().recordStarted(id, TestGateway.TENANT, "worker-9", 1_700_000_000_000L);

    Map<String, Object> body =
        Json.object(gateway.get("/v1/executions/" + id, TestGateway.KEY).body());
    assertThat(body)
        .containsEntry("status", "RUNNING")
        .containsEntry("workerId", "worker-9")
        .containsEntry("startedAt", "2023-11-14T22:13:20Z")
        .containsEntry("run", null)
        .containsEntry("finishedAt", null);
  }

  @Test
  void shouldRequireABearerKeyOnTheExecutionsApi() {
    List<HttpRequest> requests =
        List.of(
            gateway
                .request("/v1/executions")
                .POST(HttpRequest.BodyPublishers.ofString(HELLO))
                .header("Content-Type", "application/json")
                .build(),
            gateway.request("/v1/executions/x").GET().build(),
            gateway.request("/v1/executions/x").header("Authorization", "Basic YTpi").GET().build(),
            gateway
                .request("/v1/executions/x")
                .header("Authorization", "Bearer wrong")
                .GET()
                .build(),
            gateway.request("/v1/executions/x").header("Authorization", "Bearer ").GET().build(),
            gateway
                .request("/v1/executions/x")
                .header("Authorization", "Bearer" + TestGateway.KEY)
                .GET()
                .build());

    for (HttpRequest request : requests) {
      HttpResponse<String> response = gateway.send(request);
      assertThat(response.statusCode()).as(request.toString()).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .get()
          .asString()
          .startsWith("Bearer");
      assertThat(Json.object(response.body())).containsEntry("status", 401);
    }
  }

  @Test
  void shouldAcceptTheSchemeInAnyCase() {
    HttpResponse<String> response =
        gateway.send(
            gateway
                .request("/v1/executions/unknown")
                .header("Authorization", "bearer " + TestGateway.KEY)
                .GET()
                .build());

    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void shouldAnswerProblemsForUnknownRoutesMethodsAndMediaTypes() {
    HttpResponse<String> unknownRoute = gateway.get("/v2/nothing", null);
    HttpResponse<String> wrongMethod =
        gateway.send(gateway.request("/v1/runtimes").DELETE().build());
    HttpResponse<String> wrongMedia =
        gateway.send(
            gateway
                .request("/v1/executions")
                .header("Authorization", "Bearer " + TestGateway.KEY)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(HELLO))
                .build());

    assertThat(unknownRoute.statusCode()).isEqualTo(404);
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMedia.statusCode()).isEqualTo(415);
    for (HttpResponse<String> response : List.of(unknownRoute, wrongMethod, wrongMedia)) {
      assertThat(response.headers().firstValue("Content-Type"))
          .contains("application/problem+json");
      assertThat(Json.object(response.body())).containsEntry("status", response.statusCode());
    }
  }

  @Test
  void shouldAnswer413ForABodyOverTheLimit() {
    String big =
        "{\"language\": \"python\", \"files\": [{\"name\": \"main.py\", \"content\": \""
            + "x".repeat(70_000)
            + "\"}]}";

    HttpResponse<String> response = gateway.post("/v1/executions", big);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldServeRuntimesWithoutAKey() {
    HttpResponse<String> response = gateway.get("/v1/runtimes", null);

    assertThat(response.statusCode()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> runtimes =
        (List<Map<String, Object>>) (List<?>) Json.array(response.body());
    Map<String, Object> python =
        runtimes.stream().filter(r -> r.get("language").equals("python")).findFirst().orElseThrow();
    assertThat(python).containsKeys("version", "aliases", "compiled", "entryFile", "defaultLimits");
    assertThat((List<Object>) python.get("aliases")).contains("py");
    assertThat(python).containsEntry("compiled", false);
    assertThat(runtimes)
        .filteredOn(r -> r.get("language").equals("c"))
        .allSatisfy(c -> assertThat(c).containsEntry("compiled", true));
  }

  @Test
  void shouldReportHealthFromTheKafkaProbe() {
    FakeClusterProbe probe = gateway.bean(FakeClusterProbe.class);
    try {
      probe.reachable = true;
      HttpResponse<String> up = gateway.get("/health", null);
      probe.reachable = false;
      HttpResponse<String> down = gateway.get("/health", null);

      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(Json.object(up.body())).containsEntry("status", "UP");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(Json.object(down.body())).containsEntry("status", "DOWN");
    } finally {
      probe.reachable = true;
    }
  }

  private static String submit() {
    HttpResponse<String> response = gateway.post("/v1/executions", HELLO);
    assertThat(response.statusCode()).isEqualTo(202);
    return (String) Json.object(response.body()).get("id");
  }

  private static ExecuteJob published(String id) {
    return gateway.bean(RecordingJobPublisher.class).jobs.stream()
        .filter(j -> j.getJobId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private static JobStateStore store() {
    return gateway.bean(JobStateStore.class);
  }

  static JobCompleted succeeded(String id, String stdout) {
    return JobCompleted.newBuilder()
        .setJobId(id)
        .setTenant(TestGateway.TENANT)
        .setStatus(JobStatus.SUCCEEDED)
        .setLanguage("python")
        .setVersion("3.11.2")
        .setRun(StepResult.newBuilder().setStdout(ByteString.copyFromUtf8(stdout)))
        .setFinishedAtMs(System.currentTimeMillis())
        .build();
  }
}
