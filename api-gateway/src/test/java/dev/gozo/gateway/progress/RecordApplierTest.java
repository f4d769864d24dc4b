package dev.gozo.gateway.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.gateway.jobs.JobEventHeaders;
import dev.gozo.gateway.jobs.JobPhase;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.gateway.progress.RecordApplier.Outcome;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobEvent;
import dev.gozo.protocol.v1.JobQueued;
import dev.gozo.protocol.v1.JobStarted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.StepResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordApplierTest {

  private static final String RESULTS = "gozo.results";
  private static final String EVENTS = "gozo.events";

  private final JobStateStore store = new JobStateStore(1000, Long.MAX_VALUE, 100);
  private final RecordApplier applier = new RecordApplier(store, RESULTS);

  @Test
  void shouldRecordAQueuedEventOfAnotherGateway() {
    // when
    Outcome outcome = applyEvent(queued("j1", "acme", 1000));

    // then
    assertThat(outcome).isEqualTo(Outcome.APPLIED);
    JobState state = store.find("j1", "acme").orElseThrow();
    assertThat(state.phase()).isEqualTo(JobPhase.QUEUED);
    assertThat(state.language()).isEqualTo("python");
    assertThat(state.version()).isEqualTo("3.11.2");
    assertThat(state.submittedAtMs()).isEqualTo(1000);
  }

  @Test
  void shouldRecordAStartedEvent() {
    // given
    applyEvent(queued("j1", "acme", 1000));

    // when
    Outcome outcome = applyEvent(started("j1", "acme", "w1", 2000));

    // then
    assertThat(outcome).isEqualTo(Outcome.APPLIED);
    JobState state = store.find("j1", "acme").orElseThrow();
    assertThat(state.phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(state.workerId()).isEqualTo("w1");
    assertThat(state.startedAtMs()).isEqualTo(2000);
    assertThat(state.submittedAtMs()).isEqualTo(1000);
  }

  @Test
  void shouldRecordAResult() {
    // when
    Outcome outcome = applyResult("j1", result("j1", "acme", JobStatus.SUCCEEDED, "hi"));

    // then
    assertThat(outcome).isEqualTo(Outcome.APPLIED);
    JobState state = store.find("j1", "acme").orElseThrow();
    assertThat(state.phase()).isEqualTo(JobPhase.FINISHED);
    assertThat(state.result().getRun().getStdout().toStringUtf8()).isEqualTo("hi");
  }

  @Test
  void shouldTakeTheJobIdFromTheKeyWhenTheResultLeavesItEmpty() {
    // when
    applyResult("j1", result("", "acme", JobStatus.SUCCEEDED, "hi"));

    // then
    assertThat(store.find("j1", "acme").orElseThrow().result().getJobId()).isEqualTo("j1");
  }

  @Test
  void shouldNeverReplaceTheFirstResultWithASecond() {
    // given
    applyResult("j1", result("j1", "acme", JobStatus.SUCCEEDED, "first"));

    // when a redelivered job's second result arrives
    Outcome outcome = applyResult("j1", result("j1", "acme", JobStatus.RUNTIME_ERROR, "second"));

    // then
    assertThat(outcome).isEqualTo(Outcome.APPLIED);
    JobState state = store.find("j1", "acme").orElseThrow();
    assertThat(state.result().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(state.result().getRun().getStdout().toStringUtf8()).isEqualTo("first");
  }

  @Test
  void shouldKeepTheResultWhenEventsArriveAfterIt() {
    // given the results topic was read before the events topic
    applyResult("j1", result("j1", "acme", JobStatus.SUCCEEDED, "done"));

    // when
    applyEvent(started("j1", "acme", "w9", 2000));
    applyEvent(queued("j1", "acme", 1000));

    // then
    JobState state = store.find("j1", "acme").orElseThrow();
    assertThat(state.phase()).isEqualTo(JobPhase.FINISHED);
    assertThat(state.result().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(state.workerId()).isEqualTo("w1");
  }

  @Test
  void shouldStayRunningWhenTheQueuedEventArrivesLate() {
    // given
    applyEvent(started("j1", "acme", "w1", 2000));

    // when
    applyEvent(queued("j1", "acme", 1000));

    // then
    JobState state = store.find("j1", "acme").orElseThrow();
    assertThat(state.phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(state.language()).isEqualTo("python");
    assertThat(state.submittedAtMs()).isEqualTo(1000);
  }

  @Test
  void shouldApplyARepeatedEventOnceInEffect() {
    // given
    applyEvent(started("j1", "acme", "w1", 2000));

    // when the same event is read again (a re-assigned partition)
    applyEvent(started("j1", "acme", "w1", 2000));

    // then
    JobState state = store.find("j1", "acme").orElseThrow();
    assertThat(state.phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(state.workerId()).isEqualTo("w1");
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void shouldFollowARedeliveredJobToItsNewWorker() {
    // given
    applyEvent(started("j1", "acme", "w1", 2000));

    // when the first worker died and another took the job
    applyEvent(started("j1", "acme", "w2", 3000));

    // then
    JobState state = store.find("j1", "acme").orElseThrow();
    assertThat(state.workerId()).isEqualTo("w2");
    assertThat(state.startedAtMs()).isEqualTo(3000);
  }

  @Test
  void shouldIgnoreEventsAndResultsClaimingAnotherTenant() {
    // given
    applyEvent(queued("j1", "acme", 1000));

    // when
    applyEvent(started("j1", "intruder", "w1", 2000));
    applyResult("j1", result("j1", "intruder", JobStatus.SUCCEEDED, "stolen"));

    // then
    assertThat(store.find("j1", "intruder")).isEmpty();
    assertThat(store.find("j1", "acme").orElseThrow().phase()).isEqualTo(JobPhase.QUEUED);
  }

  @Test
  void shouldSkipAMarkedQueuedEventOfAKnownJobWithoutDecodingIt() {
    // given this gateway recorded the job when it was submitted here
    store.recordSubmitted("j1", "acme", "python", "3.11.2", 1000);

    // when its own queued event comes back (the value would not even decode)
    Outcome outcome =
        applier.apply(EVENTS, key("j1"), new byte[] {(byte) 0xff}, JobEventHeaders.queuedKind());

    // then
    assertThat(outcome).isEqualTo(Outcome.SKIPPED);
  }

  @Test
  void shouldRecordAMarkedQueuedEventOfAnUnknownJob() {
    // when another gateway's queued event arrives
    Outcome outcome =
        applier.apply(
            EVENTS,
            key("j1"),
            queued("j1", "acme", 1000).toByteArray(),
            JobEventHeaders.queuedKind());

    // then
    assertThat(outcome).isEqualTo(Outcome.APPLIED);
    assertThat(store.find("j1", "acme")).isPresent();
  }

  @Test
  void shouldSkipATombstone() {
    // when compaction removed a result
    Outcome outcome = applier.apply(RESULTS, key("j1"), null, null);

    // then
    assertThat(outcome).isEqualTo(Outcome.SKIPPED);
    assertThat(store.size()).isZero();
  }

  @Test
  void shouldReportAnUnreadableRecordAndKeepGoing() {
    // when
    Outcome outcome = applier.apply(RESULTS, key("j1"), new byte[] {(byte) 0xff}, null);
    Outcome next = applyEvent(queued("j2", "acme", 1000));

    // then
    assertThat(outcome).isEqualTo(Outcome.UNREADABLE);
    assertThat(next).isEqualTo(Outcome.APPLIED);
    assertThat(store.find("j1", "acme")).isEmpty();
    assertThat(store.find("j2", "acme")).isPresent();
  }

  @Test
  void shouldIgnoreAnEventKindNewerThanThisGateway() {
    // when an event carries no kind this gateway knows
    Outcome outcome =
        applyEvent(JobEvent.newBuilder().setJobId("j1").setTenant("acme").setAtMs(1000).build());

    // then
    assertThat(outcome).isEqualTo(Outcome.APPLIED);
    assertThat(store.size()).isZero();
  }

  @Test
  void shouldIgnoreAnEventWithoutAJobId() {
    // when
    applyEvent(queued("", "acme", 1000));

    // then
    assertThat(store.size()).isZero();
  }

  private Outcome applyEvent(JobEvent event) {
    return applier.apply(EVENTS, key(event.getJobId()), event.toByteArray(), null);
  }

  private Outcome applyResult(String key, JobCompleted result) {
    return applier.apply(RESULTS, key(key), result.toByteArray(), null);
  }

  private static byte[] key(String jobId) {
    return jobId.getBytes(StandardCharsets.UTF_8);
  }

  private static JobEvent queued(String jobId, String tenant, long atMs) {
    return JobEvent.newBuilder()
        .setJobId(jobId)
        .setTenant(tenant)
        .setAtMs(atMs)
        .setQueued(JobQueued.newBuilder().setLanguage("python").setVersion("3.11.2"))
        .build();
  }

  private static JobEvent started(String jobId, String tenant, String workerId, long atMs) {
    return JobEvent.newBuilder()
        .setJobId(jobId)
        .setTenant(tenant)
        .setAtMs(atMs)
        .setStarted(JobStarted.newBuilder().setWorkerId(workerId))
        .build();
  }

  private static JobCompleted result(String jobId, String tenant, JobStatus status, String out) {
    return JobCompleted.newBuilder()
        .setJobId(jobId)
        .setTenant(tenant)
        .setStatus(status)
        .setWorkerId("w1")
        .setRun(StepResult.newBuilder().setStdout(ByteString.copyFromUtf8(out)))
        .build();
  }
}
