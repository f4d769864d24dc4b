package dev.gozo.gateway.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.gateway.Json;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.StepResult;
import dev.gozo.protocol.v1.TestResult;
import dev.gozo.protocol.v1.TestStatus;
import dev.gozo.protocol.v1.TestSummary;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A judged result's JSON: tests, summary, per-test statuses as the contract names them. */
class JudgedResultViewTest {

  private final JsonMapper json = JsonMapper.createDefault();

  static JobCompleted judged() {
    return JobCompleted.newBuilder()
        .setJobId("job-1")
        .setTenant("acme")
        .setStatus(JobStatus.WRONG_ANSWER)
        .setFinishedAtMs(3)
        .addTests(test(0, "1", TestStatus.ACCEPTED, "5\n", ""))
        .addTests(test(1, "big", TestStatus.TEST_WRONG_ANSWER, "6\n", "token 1 differs"))
        .addTests(
            TestResult.newBuilder().setIndex(2).setName("3").setStatus(TestStatus.SKIPPED).build())
        .setSummary(TestSummary.newBuilder().setPassed(1).setFailed(1).setSkipped(1))
        .build();
  }

  static TestResult test(int index, String name, TestStatus status, String stdout, String message) {
    return TestResult.newBuilder()
        .setIndex(index)
        .setName(name)
        .setStatus(status)
        .setRun(
            StepResult.newBuilder()
                .setStdout(ByteString.copyFromUtf8(stdout))
                .setWallTimeMs(12)
                .setExitCode(0))
        .setCheckerMessage(message)
        .build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldShowEachTestAndTheSummary() throws IOException {
    // when
    Map<String, Object> body = Json.object(json.writeValueAsString(view(judged())));

    // then
    assertThat(body).containsEntry("status", "WRONG_ANSWER");
    assertThat(body).containsEntry("summary", Map.of("passed", 1, "failed", 1, "skipped", 1));
    List<Map<String, Object>> tests = (List<Map<String, Object>>) body.get("tests");
    assertThat(tests).extracting(t -> t.get("name")).containsExactly("1", "big", "3");
    assertThat(tests)
        .extracting(t -> t.get("status"))
        .containsExactly("ACCEPTED", "WRONG_ANSWER", "SKIPPED");
    assertThat((Map<String, Object>) tests.get(1).get("run"))
        .containsEntry("stdout", "6\n")
        .containsEntry("wallTimeMs", 12)
        .containsEntry("exitCode", 0);
    assertThat(tests.get(1)).containsEntry("checkerMessage", "token 1 differs");
    assertThat(tests.get(0)).doesNotContainKey("checkerMessage");
    assertThat(tests.get(2)).containsOnlyKeys("name", "status");
  }

  @Test
  void shouldNameEveryTestStatusWithoutItsWirePrefix() {
    assertThat(statusOf(TestStatus.TEST_TIME_LIMIT_EXCEEDED)).isEqualTo("TIME_LIMIT_EXCEEDED");
    assertThat(statusOf(TestStatus.TEST_MEMORY_LIMIT_EXCEEDED)).isEqualTo("MEMORY_LIMIT_EXCEEDED");
    assertThat(statusOf(TestStatus.TEST_OUTPUT_LIMIT_EXCEEDED)).isEqualTo("OUTPUT_LIMIT_EXCEEDED");
    assertThat(statusOf(TestStatus.TEST_RUNTIME_ERROR)).isEqualTo("RUNTIME_ERROR");
    assertThat(statusOf(TestStatus.TEST_INTERNAL_ERROR)).isEqualTo("INTERNAL_ERROR");
    assertThat(statusOf(TestStatus.TEST_STATUS_UNSPECIFIED)).isEqualTo("INTERNAL_ERROR");
  }

  @Test
  void shouldLeaveTestsAndSummaryOutOfAPlainResult() throws IOException {
    JobCompleted plain =
        JobCompleted.newBuilder()
            .setJobId("job-1")
            .setTenant("acme")
            .setStatus(JobStatus.SUCCEEDED)
            .setRun(StepResult.newBuilder().setStdout(ByteString.copyFromUtf8("hi\n")))
            .build();

    Map<String, Object> body = Json.object(json.writeValueAsString(view(plain)));

    assertThat(body).doesNotContainKeys("tests", "summary").containsKey("run");
  }

  private static ExecutionView view(JobCompleted result) {
    return ExecutionView.of(JobState.finished(result));
  }

  private static String statusOf(TestStatus status) {
    return TestView.of(test(0, "1", status, "", "")).status();
  }
}
