package dev.gozo.worker.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.CancelRequest;
import dev.gozo.protocol.v1.JobInput;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which job gets which input record, with the router's Kafka side never started: records are handed
 * to {@link InputRouter#route} as its consumer thread would.
 */
class InputRouterTest {

  private static final String TENANT = "acme";

  private final InputRouter router = new InputRouter("127.0.0.1:1", "gozo.input", Duration.ZERO);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  @Test
  void shouldDeliverInputThatCameBeforeTheJobRanHereWhenItRegistersInOrder() {
    router.route(stdin("job-1", 1, "first\n"));
    router.route(stdin("job-2", 1, "for another job\n"));
    router.route(stdin("job-1", 2, "second\n"));
    KafkaLiveJob job = interactiveJob("job-1");
    KafkaLiveJobTest.RecordingControls controls = new KafkaLiveJobTest.RecordingControls();

    router.register(job);
    job.connect(controls);
    router.route(stdin("job-1", 3, "third\n"));

    assertThat(controls.calls).containsExactly("stdin:first\n", "stdin:second\n", "stdin:third\n");
  }

  @Test
  void shouldRememberACancelBeforeTheJobRunsAndDeliverItWhenItRegisters() {
    router.route(cancel("job-1", TENANT));

    assertThat(router.cancelled("job-1", TENANT)).isTrue();
    KafkaLiveJob job = interactiveJob("job-1");
    router.register(job);

    assertThat(job.cancelled()).isDone();
  }

  @Test
  void shouldNotCallAJobCancelledForAnotherTenant() {
    router.route(cancel("job-1", "intruder"));

    assertThat(router.cancelled("job-1", TENANT)).isFalse();
    assertThat(router.cancelled("job-2", TENANT)).isFalse();
  }

  @Test
  void shouldCancelARunningJob() {
    KafkaLiveJob job = interactiveJob("job-1");
    router.register(job);

    router.route(cancel("job-1", TENANT));

    assertThat(job.cancelled()).isDone();
  }

  @Test
  void shouldDropInputForAJobNotRunningHereBeyondWhatIsKeptPerJob() {
    int size = 300 * 1024; // four of these are over WAITING_BYTES_PER_JOB, three are not
    for (int seq = 1; seq <= 4; seq++) {
      router.route(input("job-1", seq).setStdin(ByteString.copyFrom(new byte[size])).build());
    }
    KafkaLiveJob job = interactiveJob("job-1");
    KafkaLiveJobTest.RecordingControls controls = new KafkaLiveJobTest.RecordingControls();

    router.register(job);
    job.connect(controls);

    assertThat(3L * size).isLessThanOrEqualTo(InputRouter.WAITING_BYTES_PER_JOB);
    assertThat(controls.calls).hasSize(3);
  }

  @Test
  void shouldStopDeliveringToAJobOnceItUnregisters() {
    KafkaLiveJob job = interactiveJob("job-1");
    KafkaLiveJobTest.RecordingControls controls = new KafkaLiveJobTest.RecordingControls();
    router.register(job);
    job.connect(controls);
    router.route(stdin("job-1", 1, "while it runs\n"));

    router.unregister(job);
    router.route(stdin("job-1", 2, "after it ended\n"));
    router.route(cancel("job-1", TENANT));

    assertThat(controls.calls).containsExactly("stdin:while it runs\n");
    assertThat(job.cancelled()).isNotDone();
  }

  @Test
  void shouldNotUnregisterTheNextAttemptWhenAnEarlierOneCloses() {
    KafkaLiveJob first = interactiveJob("job-1");
    KafkaLiveJob second = interactiveJob("job-1");
    router.register(first);
    router.register(second);
    KafkaLiveJobTest.RecordingControls controls = new KafkaLiveJobTest.RecordingControls();
    second.connect(controls);

    router.unregister(first);
    router.route(stdin("job-1", 1, "still here\n"));

    assertThat(controls.calls).containsExactly("stdin:still here\n");
  }

  private KafkaLiveJob interactiveJob(String id) {
    return new KafkaLiveJob(
        id,
        TENANT,
        1,
        true,
        Duration.ofSeconds(30),
        (key, record) -> CompletableFuture.completedFuture(null),
        timer,
        () -> {});
  }

  private static JobInput.Builder input(String jobId, long seq) {
    return JobInput.newBuilder().setJobId(jobId).setTenant(TENANT).setSeq(seq);
  }

  private static JobInput stdin(String jobId, long seq, String text) {
    return input(jobId, seq).setStdin(ByteString.copyFromUtf8(text)).build();
  }

  private static JobInput cancel(String jobId, String tenant) {
    return JobInput.newBuilder()
        .setJobId(jobId)
        .setTenant(tenant)
        .setCancel(CancelRequest.getDefaultInstance())
        .build();
  }
}
