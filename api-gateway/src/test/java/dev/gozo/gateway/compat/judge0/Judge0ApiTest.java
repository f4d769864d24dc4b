package dev.gozo.gateway.compat.judge0;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.gateway.Json;
import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.fakes.RecordingJobPublisher;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.protocol.v1.CheckerType;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.StepResult;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The Judge0 API through HTTP with faked Kafka: what reaches the queue, what comes back. */
class Judge0ApiTest {

  @AutoClose private static final TestGateway gateway = TestGateway.withFakeKafka(Map.of());

  @Test
  void shouldPublishASubmissionInOurUnitsAndAnswerWithItsToken() {
    // when
    HttpResponse<String> response =
        post(
            "/judge0/submissions",
            """
            {"source_code": "print(input())", "language_id": 71, "stdin": "hi",
             "expected_output": "hi", "cpu_time_limit": 1.5, "wall_time_limit": "3",
             "memory_limit": 128000, "max_processes_and_or_threads": 30,
             "command_line_arguments": "a 'b c' \\"d\\\\\\"e\\""}
            """);

    // then
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    String token = (String) Json.object(response.body()).get("token");
    assertThat(Json.object(response.body())).containsOnlyKeys("token");
    ExecuteJob job = published(token);
    assertThat(job.getLanguage()).isEqualTo("python");
    assertThat(job.getFiles(0).getName()).isEqualTo("main.py");
    assertThat(job.getStdin().toStringUtf8()).isEqualTo("hi");
    assertThat(job.getTests(0).getExpectedOutput().toStringUtf8()).isEqualTo("hi");
    assertThat(job.getChecker().getType()).isEqualTo(CheckerType.LINES);
    assertThat(job.getLimits().getCpuTimeMs()).isEqualTo(1500);
    assertThat(job.getLimits().getWallTimeMs()).isEqualTo(3000);
    assertThat(job.getLimits().getMemoryMb()).isEqualTo(125);
    assertThat(job.getLimits().getProcesses()).isEqualTo(30);
    assertThat(job.getArgsList()).containsExactly("a", "b c", "d\"e");
  }

  @Test
  void shouldShowTheResultWithJudge0sStatusUnitsAndNulls() {
    // given
    String token =
        token(post("/judge0/submissions", "{\"source_code\": \"x\", \"language_id\": 50}"));
    gateway
        .bean(JobStateStore.class)
        .recordCompleted(
            finished(token, JobStatus.RUNTIME_ERROR, run("out", "").setSignal(8).build()));

    // when
    HttpResponse<String> response = get("/judge0/submissions/" + token + "?fields=*");

    // then
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, Object> body = Json.object(response.body());
    assertThat(body)
        .containsEntry("token", token)
        .containsEntry("status", Map.of("id", 9, "description", "Runtime Error (SIGFPE)"))
        .containsEntry("stdout", "out")
        .containsEntry("stderr", null)
        .containsEntry("exit_code", null)
        .containsEntry("exit_signal", 8)
        .containsEntry("time", "0.012")
        .containsEntry("wall_time", "0.034")
        .containsEntry("memory", 2048)
        .containsEntry("language_id", 50)
        .containsEntry("source_code", "x");
    assertThat(body.keySet()).containsAll(Judge0Fields.ALL);
  }

  @Test
  void shouldRefuseOutputThatIsNotUtf8UnlessBase64WasAsked() {
    // given
    String token =
        token(post("/judge0/submissions", "{\"source_code\": \"x\", \"language_id\": 71}"));
    StepResult binary =
        run("", "").setStdout(ByteString.copyFrom(new byte[] {(byte) 0xff, 0, 1})).build();
    gateway.bean(JobStateStore.class).recordCompleted(finished(token, JobStatus.SUCCEEDED, binary));

    // when
    HttpResponse<String> plain = get("/judge0/submissions/" + token);
    HttpResponse<String> base64 = get("/judge0/submissions/" + token + "?base64_encoded=true");

    // then
    assertThat(plain.statusCode()).isEqualTo(400);
    assertThat(Json.object(plain.body())).containsEntry("error", Judge0View.CONVERSION_ERROR);
    assertThat(base64.statusCode()).isEqualTo(200);
    assertThat(Base64.getDecoder().decode((String) Json.object(base64.body()).get("stdout")))
        .containsExactly(0xff, 0, 1);
  }

  @Test
  void shouldAnswer422WithJudge0FieldNames() {
    // when
    HttpResponse<String> unknownLanguage =
        post("/judge0/submissions", "{\"source_code\": \"x\", \"language_id\": 9999}");
    HttpResponse<String> tooMuchCpu =
        post(
            "/judge0/submissions",
            "{\"source_code\": \"x\", \"language_id\": 71, \"cpu_time_limit\": 1000}");
    HttpResponse<String> blank = post("/judge0/submissions", "{\"language_id\": 71}");

    // then
    assertThat(unknownLanguage.statusCode()).isEqualTo(422);
    assertThat(Json.object(unknownLanguage.body()))
        .isEqualTo(Map.of("language_id", List.of("language with id 9999 doesn't exist")));
    assertThat(tooMuchCpu.statusCode()).isEqualTo(422);
    assertThat(Json.object(tooMuchCpu.body()))
        .isEqualTo(Map.of("cpu_time_limit", List.of("must be less than or equal to 20")));
    assertThat(Json.object(blank.body()))
        .isEqualTo(Map.of("source_code", List.of("can't be blank")));
  }

  @Test
  void shouldAnswer404ForAnUnknownTokenAndAnotherTenantsOne() {
    // given
    String token =
        token(post("/judge0/submissions", "{\"source_code\": \"x\", \"language_id\": 71}"));

    // when
    HttpResponse<String> unknown = get("/judge0/submissions/no-such-token");
    HttpResponse<String> foreign =
        gateway.send(
            gateway
                .request("/judge0/submissions/" + token)
                .header("X-Auth-Token", TestGateway.OTHER_KEY)
                .GET()
                .build());

    // then
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(Json.object(unknown.body())).isEqualTo(Map.of("error", "Not Found"));
    assertThat(foreign.statusCode()).isEqualTo(404);
  }

  @Test
  void shouldRequireTheAuthTokenOnSubmissionsOnly() {
    // when
    HttpResponse<String> anonymous =
        gateway.send(
            gateway
                .request("/judge0/submissions")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
    HttpResponse<String> languages = gateway.get("/judge0/languages", null);

    // then
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(languages.statusCode()).isEqualTo(200);
    assertThat(Json.array(languages.body())).contains(Map.of("id", 71, "name", "Python (3.11.2)"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldTakeAndShowABatch() {
    // when
    HttpResponse<String> created =
        post(
            "/judge0/submissions/batch",
            """
            {"submissions": [{"source_code": "a", "language_id": 71},
                             {"source_code": "b", "language_id": 9999}]}
            """);

    // then
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    List<Object> answers = Json.array(created.body());
    String token = (String) ((Map<String, Object>) answers.get(0)).get("token");
    assertThat(answers.get(1))
        .isEqualTo(Map.of("language_id", List.of("language with id 9999 doesn't exist")));
    HttpResponse<String> shown =
        get("/judge0/submissions/batch?tokens=" + token + ",unknown&fields=token,status_id");
    assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
    List<Object> submissions = (List<Object>) Json.object(shown.body()).get("submissions");
    assertThat(submissions.get(0)).isEqualTo(Map.of("token", token, "status_id", 1));
    assertThat(submissions.get(1)).isNull();
  }

  @Test
  void shouldRefuseUnknownFields() {
    // when
    HttpResponse<String> response = get("/judge0/submissions/x?fields=stdout,nope");

    // then
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.object(response.body())).isEqualTo(Map.of("error", "invalid fields: [nope]"));
  }

  private static HttpResponse<String> post(String path, String json) {
    return gateway.send(
        gateway
            .request(path)
            .header("X-Auth-Token", TestGateway.KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private static HttpResponse<String> get(String path) {
    return gateway.send(
        gateway.request(path).header("X-Auth-Token", TestGateway.KEY).GET().build());
  }

  private static String token(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return (String) Json.object(response.body()).get("token");
  }

  private static StepResult.Builder run(String stdout, String stderr) {
    return StepResult.newBuilder()
        .setStdout(ByteString.copyFromUtf8(stdout))
        .setStderr(ByteString.copyFromUtf8(stderr))
        .setCpuTimeMs(12)
        .setWallTimeMs(34)
        .setMemoryBytes(2048 * 1024);
  }

  private static JobCompleted finished(String token, JobStatus status, StepResult run) {
    return JobCompleted.newBuilder()
        .setJobId(token)
        .setTenant(TestGateway.TENANT)
        .setStatus(status)
        .setLanguage(published(token).getLanguage())
        .setRun(run)
        .setSubmittedAtMs(published(token).getSubmittedAtMs())
        .setFinishedAtMs(System.currentTimeMillis())
        .build();
  }

  private static ExecuteJob published(String id) {
    return gateway.bean(RecordingJobPublisher.class).jobs.stream()
        .filter(j -> j.getJobId().equals(id))
        .findFirst()
        .orElseThrow();
  }
}
