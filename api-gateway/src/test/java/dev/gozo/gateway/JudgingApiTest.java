package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.gateway.fakes.RecordingJobPublisher;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.protocol.v1.CheckerType;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.StepResult;
import dev.gozo.protocol.v1.TestCase;
import dev.gozo.protocol.v1.TestResult;
import dev.gozo.protocol.v1.TestStatus;
import dev.gozo.protocol.v1.TestSummary;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** A judged job through the HTTP API (issue 15): its tests reach Kafka, its verdicts come back. */
class JudgingApiTest {

  private static final String JUDGED =
      """
      {"language": "py", "files": [{"name": "main.py", "content": "print(sum(map(int, input().split())))"}],
       "tests": [{"stdin": "2 3\\n", "expectedOutput": "5\\n"},
                 {"name": "big", "stdin": "AA==", "encoding": "base64", "limits": {"wallTimeMs": 900}}],
       "checker": {"type": "Tokens"}, "stopOnFirstFailure": true}
      """;

  @AutoClose private static final TestGateway gateway = TestGateway.withFakeKafka(Map.of());

  @Test
  void shouldPublishTheTestsCheckerAndStopOnFirstFailure() {
    // when
    HttpResponse<String> response = gateway.post("/v1/executions", JUDGED);

    // then
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    ExecuteJob job = published((String) Json.object(response.body()).get("id"));
    assertThat(job.getTestsList()).extracting(TestCase::getName).containsExactly("1", "big");
    assertThat(job.getTests(1).getStdin().toByteArray()).containsExactly(0);
    assertThat(job.getTests(1).getHasExpectedOutput()).isFalse();
    assertThat(job.getTests(1).getLimits().getWallTimeMs()).isEqualTo(900);
    assertThat(job.getChecker().getType()).isEqualTo(CheckerType.TOKENS);
    assertThat(job.getStopOnFirstFailure()).isTrue();
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldShowTheVerdictOfEachTest() {
    // given a judged job whose second test printed the wrong answer
    HttpResponse<String> accepted = gateway.post("/v1/executions", JUDGED);
    String id = (String) Json.object(accepted.body()).get("id");
    gateway.bean(JobStateStore.class).recordCompleted(wrongAnswer(id));

    // when
    HttpResponse<String> response = gateway.get("/v1/executions/" + id, TestGateway.KEY);

    // then
    Map<String, Object> body = Json.object(response.body());
    assertThat(body).containsEntry("status", "WRONG_ANSWER");
    assertThat(body).containsEntry("summary", Map.of("passed", 1, "failed", 1, "skipped", 0));
    List<Map<String, Object>> tests = (List<Map<String, Object>>) body.get("tests");
    assertThat(tests).extracting(t -> t.get("status")).containsExactly("ACCEPTED", "WRONG_ANSWER");
    assertThat(tests.get(1)).containsEntry("checkerMessage", "token 1: expected \"5\", got \"6\"");
  }

  private static JobCompleted wrongAnswer(String id) {
    return JobCompleted.newBuilder()
        .setJobId(id)
        .setTenant(TestGateway.TENANT)
        .setStatus(JobStatus.WRONG_ANSWER)
        .setFinishedAtMs(System.currentTimeMillis())
        .addTests(
            TestResult.newBuilder()
                .setName("1")
                .setStatus(TestStatus.ACCEPTED)
                .setRun(StepResult.getDefaultInstance()))
        .addTests(
            TestResult.newBuilder()
                .setIndex(1)
                .setName("big")
                .setStatus(TestStatus.TEST_WRONG_ANSWER)
                .setRun(StepResult.getDefaultInstance())
                .setCheckerMessage("token 1: expected \"5\", got \"6\""))
        .setSummary(TestSummary.newBuilder().setPassed(1).setFailed(1))
        .build();
  }

  private static ExecuteJob published(String id) {
    return gateway.bean(RecordingJobPublisher.class).jobs.stream()
        .filter(j -> j.getJobId().equals(id))
        .findFirst()
        .orElseThrow();
  }
}
