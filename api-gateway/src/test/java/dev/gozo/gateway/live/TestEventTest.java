package dev.gozo.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.gateway.Json;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.results.ExecutionView;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobOutput;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.StepResult;
import dev.gozo.protocol.v1.TestResult;
import dev.gozo.protocol.v1.TestStatus;
import dev.gozo.protocol.v1.TestSummary;
import io.micronaut.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A finished test on gozo.output becomes a {@code test} event: the result's element, live. */
class TestEventTest {

  private final LiveJson json = new LiveJson(JsonMapper.createDefault());

  private static final TestResult WRONG =
      TestResult.newBuilder()
          .setIndex(0)
          .setName("sum")
          .setStatus(TestStatus.TEST_WRONG_ANSWER)
          .setRun(StepResult.newBuilder().setExitCode(0).setWallTimeMs(7))
          .setCheckerMessage("expected 5, got 6")
          .build();

  @Test
  void shouldSendEachTestAsAnEventWithItsRecordIdBeforeTheResult() {
    // given
    StreamSequencer sequencer = new StreamSequencer("job-1", "acme", null);
    List<LiveEvent> sent = new ArrayList<>();

    // when the worker publishes a stage, a test, and a result that counts both records
    sent.addAll(sequencer.onState(JobState.queued("job-1", "acme", "python", "3", 1), 0));
    sent.addAll(sequencer.onRecord(StreamSequencerTest.stage(1, 1), 0));
    sent.addAll(sequencer.onRecord(testRecord(1, 2, WRONG), 0));
    sent.addAll(sequencer.onState(JobState.finished(result(2)), 0));

    // then
    assertThat(sent)
        .extracting(LiveEvent::type)
        .containsExactly("queued", "started", "stage", "test", "result");
    assertThat(sent.get(3).id()).hasToString("1-2");
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldCarryExactlyTheTestsElementOfTheResult() {
    LiveEvent event = toEvent(testRecord(1, 2, WRONG));

    Map<String, Object> data = Json.object(json.data(event));
    Map<String, Object> resultBody =
        Json.object(json.data(new LiveEvent.Result(resultViewOf(WRONG))));

    assertThat(data).isEqualTo(((List<Object>) resultBody.get("tests")).get(0));
    assertThat(data)
        .containsEntry("name", "sum")
        .containsEntry("status", "WRONG_ANSWER")
        .containsEntry("checkerMessage", "expected 5, got 6");
  }

  @Test
  void shouldFrameATestOnTheWebSocketWithItsType() {
    LiveEvent event = toEvent(testRecord(1, 2, WRONG));

    Map<String, Object> message = Json.object(json.message(event));

    assertThat(message)
        .containsEntry("type", "test")
        .containsEntry("name", "sum")
        .containsEntry("status", "WRONG_ANSWER")
        .containsKey("run");
  }

  private static LiveEvent toEvent(JobOutput record) {
    StreamSequencer sequencer = new StreamSequencer("job-1", "acme", new EventId(1, 1));
    return sequencer.onRecord(record, 0).get(0);
  }

  private static ExecutionView resultViewOf(TestResult test) {
    return ExecutionView.of(
        JobState.finished(result(1).toBuilder().clearTests().addTests(test).build()));
  }

  private static JobOutput testRecord(int attempt, long seq, TestResult test) {
    return JobOutput.newBuilder()
        .setJobId("job-1")
        .setTenant("acme")
        .setDeliveryAttempt(attempt)
        .setSeq(seq)
        .setTest(test)
        .build();
  }

  private static JobCompleted result(long records) {
    return JobCompleted.newBuilder()
        .setJobId("job-1")
        .setTenant("acme")
        .setStatus(JobStatus.WRONG_ANSWER)
        .setStartedAtMs(2)
        .setFinishedAtMs(3)
        .setDeliveryAttempt(1)
        .setOutputRecords(records)
        .addTests(WRONG)
        .setSummary(TestSummary.newBuilder().setFailed(1))
        .build();
  }
}
