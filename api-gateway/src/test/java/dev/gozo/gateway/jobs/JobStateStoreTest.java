package dev.gozo.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.StepResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class JobStateStoreTest {

  private final JobStateStore store = new JobStateStore(1000, Long.MAX_VALUE, 100);

  @Test
  void shouldKeepTheFirstFinalResult() {
    // given
    store.recordSubmitted("j1", "acme", "python", "3.11.2", 1000);

    // when
    store.recordCompleted(result("j1", "acme", JobStatus.SUCCEEDED, "first"));
    store.recordCompleted(result("j1", "acme", JobStatus.RUNTIME_ERROR, "second"));
    store.recordStarted("j1", "acme", "late-worker", 5000);
    store.recordQueued("j1", "acme", "python", "3.11.2", 6000);

    // then
    JobState state = store.find("j1", "acme").orElseThrow();
    assertThat(state.phase()).isEqualTo(JobPhase.FINISHED);
    assertThat(state.result().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(state.result().getRun().getStdout().toStringUtf8()).isEqualTo("first");
    assertThat(state.workerId()).isEqualTo("w1");
  }

  @Test
  void shouldNotGoBackFromRunningToQueued() {
    // given a start event that overtook the queued event
    store.recordStarted("j2", "acme", "w7", 2000);

    // when
    store.recordQueued("j2", "acme", "python", "3.11.2", 1000);

    // then the job stays RUNNING but learns what the queued event knew
    JobState state = store.find("j2", "acme").orElseThrow();
    assertThat(state.phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(state.workerId()).isEqualTo("w7");
    assertThat(state.language()).isEqualTo("python");
    assertThat(state.submittedAtMs()).isEqualTo(1000);
  }

  @Test
  void shouldKeepSubmissionDetailsWhenTheResultLacksThem() {
    store.recordSubmitted("j3", "acme", "python", "3.11.2", 1000);

    store.recordCompleted(
        JobCompleted.newBuilder()
            .setJobId("j3")
            .setTenant("acme")
            .setStatus(JobStatus.REJECTED)
            .build());

    JobState state = store.find("j3", "acme").orElseThrow();
    assertThat(state.language()).isEqualTo("python");
    assertThat(state.submittedAtMs()).isEqualTo(1000);
    assertThat(state.isFinished()).isTrue();
  }

  @Test
  void shouldHideJobsFromOtherTenants() {
    store.recordSubmitted("j4", "acme", "python", "3.11.2", 1000);

    assertThat(store.find("j4", "acme")).isPresent();
    assertThat(store.find("j4", "globex")).isEmpty();
  }

  @Test
  void shouldIgnoreAResultClaimingAnotherTenant() {
    store.recordSubmitted("j5", "acme", "python", "3.11.2", 1000);

    store.recordCompleted(result("j5", "globex", JobStatus.SUCCEEDED, "spoofed"));

    assertThat(store.find("j5", "acme").orElseThrow().isFinished()).isFalse();
    assertThat(store.find("j5", "globex")).isEmpty();
  }

  @Test
  void shouldEvictTheLeastRecentlyUsedJobBeyondTheEntryBound() {
    // given
    JobStateStore small = new JobStateStore(3, Long.MAX_VALUE, 10);
    small.recordSubmitted("a", "acme", "python", "3", 1);
    small.recordSubmitted("b", "acme", "python", "3", 2);
    small.recordSubmitted("c", "acme", "python", "3", 3);
    small.find("a", "acme"); // a is now more recent than b

    // when
    small.recordSubmitted("d", "acme", "python", "3", 4);

    // then
    assertThat(small.size()).isEqualTo(3);
    assertThat(small.find("b", "acme")).isEmpty();
    assertThat(small.find("a", "acme")).isPresent();
    assertThat(small.find("c", "acme")).isPresent();
    assertThat(small.find("d", "acme")).isPresent();
  }

  @Test
  void shouldEvictOldResultsBeyondTheByteBound() {
    // given room for about two 10 KB results (each weighs ~21 KB: parsed text is held twice)
    JobStateStore small = new JobStateStore(1000, 50_000, 10);
    String output = "x".repeat(10_000);

    // when
    for (String id : new String[] {"r1", "r2", "r3", "r4"}) {
      small.recordCompleted(result(id, "acme", JobStatus.SUCCEEDED, output));
    }

    // then
    assertThat(small.size()).isEqualTo(2);
    assertThat(small.find("r1", "acme")).isEmpty();
    assertThat(small.find("r4", "acme")).isPresent();
  }

  @Test
  void shouldKeepAResultLargerThanTheByteBoundAlone() {
    JobStateStore small = new JobStateStore(1000, 1_000, 10);

    small.recordCompleted(result("huge", "acme", JobStatus.SUCCEEDED, "y".repeat(5_000)));

    assertThat(small.find("huge", "acme")).isPresent();
  }

  @Test
  void shouldCompleteWaitersWhenTheResultArrives() {
    // given two requests waiting for the same job
    store.recordSubmitted("w", "acme", "python", "3.11.2", 1000);
    CompletableFuture<Optional<JobState>> first =
        store.awaitFinished("w", "acme", Duration.ofSeconds(30));
    CompletableFuture<Optional<JobState>> second =
        store.awaitFinished("w", "acme", Duration.ofSeconds(30));
    assertThat(first).isNotDone();
    assertThat(store.waitingRequests()).isEqualTo(2);

    // when
    store.recordCompleted(result("w", "acme", JobStatus.SUCCEEDED, "done"));

    // then
    await().atMost(Duration.ofSeconds(5)).until(() -> first.isDone() && second.isDone());
    assertThat(first.join().orElseThrow().isFinished()).isTrue();
    assertThat(second.join().orElseThrow().result().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(store.waitingRequests()).isZero();
  }

  @Test
  void shouldAnswerWithTheCurrentStateWhenTheWaitTimesOut() {
    store.recordSubmitted("t", "acme", "python", "3.11.2", 1000);
    store.recordStarted("t", "acme", "w1", 2000);

    Optional<JobState> state = store.awaitFinished("t", "acme", Duration.ofMillis(50)).join();

    assertThat(state.orElseThrow().phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(store.waitingRequests()).isZero();
  }

  @Test
  void shouldAnswerAtOnceForAFinishedJob() {
    store.recordCompleted(result("f", "acme", JobStatus.SUCCEEDED, "done"));

    assertThat(store.awaitFinished("f", "acme", Duration.ofHours(1))).isCompleted();
  }

  @Test
  void shouldNotLetAWaiterOfAnotherTenantSeeTheResult() {
    store.recordSubmitted("iso", "acme", "python", "3.11.2", 1000);
    CompletableFuture<Optional<JobState>> intruder =
        store.awaitFinished("iso", "globex", Duration.ofSeconds(30));

    store.recordCompleted(result("iso", "acme", JobStatus.SUCCEEDED, "secret"));

    await().atMost(Duration.ofSeconds(5)).until(intruder::isDone);
    assertThat(intruder.join()).isEmpty();
  }

  @Test
  void shouldStopWaitingBeyondTheWaiterBound() {
    JobStateStore bounded = new JobStateStore(1000, Long.MAX_VALUE, 1);
    bounded.recordSubmitted("x", "acme", "python", "3", 1);
    CompletableFuture<Optional<JobState>> waiting =
        bounded.awaitFinished("x", "acme", Duration.ofSeconds(30));

    CompletableFuture<Optional<JobState>> refused =
        bounded.awaitFinished("x", "acme", Duration.ofSeconds(30));

    assertThat(waiting).isNotDone();
    assertThat(refused).isCompleted();
    assertThat(refused.join().orElseThrow().phase()).isEqualTo(JobPhase.QUEUED);
  }

  static JobCompleted result(String id, String tenant, JobStatus status, String stdout) {
    return JobCompleted.newBuilder()
        .setJobId(id)
        .setTenant(tenant)
        .setStatus(status)
        .setLanguage("python")
        .setVersion("3.11.2")
        .setWorkerId("w1")
        .setRun(StepResult.newBuilder().setStdout(ByteString.copyFromUtf8(stdout)))
        .setSubmittedAtMs(1000)
        .setStartedAtMs(2000)
        .setFinishedAtMs(3000)
        .build();
  }
}
