package dev.gozo.worker.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.jobspec.JobBounds;
import dev.gozo.jobspec.JobValidator;
import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.SourceFile;
import dev.gozo.topics.KeyScan;
import dev.gozo.topics.ResultSearch;
import dev.gozo.worker.live.LiveJobs;
import dev.gozo.worker.results.ResultSink;
import dev.gozo.worker.sandbox.LiveSession;
import dev.gozo.worker.sandbox.Outcome;
import dev.gozo.worker.sandbox.Sandbox;
import dev.gozo.worker.sandbox.SandboxJob;
import dev.gozo.worker.sandbox.StepReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The decisions of {@link JobProcessor} for one delivered record, with the sandbox, the results
 * topic and the jobs topic replaced by recording fakes: which records run, which are handed back,
 * which are acknowledged without running, and what result each publishes.
 */
class JobProcessorTest {

  private static final RuntimeCatalogue CATALOGUE = RuntimeCatalogue.bundled();
  private static final int MAX_ATTEMPTS = 3;

  private final List<String> events = new ArrayList<>();
  private final RecordingSandbox sandbox = new RecordingSandbox();
  private final RecordingSink sink = new RecordingSink(events);
  private final FakeLiveJobs live = new FakeLiveJobs(events);
  private ResultSearch publishedResult = new ResultSearch.NotPublished();
  private KeyScan.Search earlierRecord = new KeyScan.Miss();
  private final List<DeliveredRecord> scannedBefore = new ArrayList<>();

  private final JobProcessor processor =
      new JobProcessor(
          CATALOGUE,
          new JobValidator(CATALOGUE, JobBounds.defaults()),
          sandbox,
          sink,
          (jobId, submittedAtMs) -> publishedResult,
          record -> {
            scannedBefore.add(record);
            return earlierRecord;
          },
          "worker-test",
          MAX_ATTEMPTS,
          live);

  @Test
  void shouldRunAFirstDeliveryAndPublishItsResultBeforeAccepting() {
    JobProcessor.Decision decision = processor.handle(delivered(job("a").build(), 1));

    assertThat(decision).isEqualTo(JobProcessor.Decision.ACCEPT);
    assertThat(sandbox.ran).containsExactly("a");
    assertThat(sink.results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
              assertThat(r.getDeliveryAttempt()).isEqualTo(1);
              assertThat(r.getWorkerId()).isEqualTo("worker-test");
            });
    assertThat(sink.started).containsExactly("a");
  }

  @Test
  void shouldHandTheJobBackWhenItsResultCannotBePublished() {
    sink.accepting = false;

    assertThat(processor.handle(delivered(job("a").build(), 1)))
        .isEqualTo(JobProcessor.Decision.RELEASE);
  }

  @Test
  void shouldHandTheJobBackWhenTheSandboxIsUnavailable() {
    sandbox.next = new Outcome.Unavailable("engine away");

    assertThat(processor.handle(delivered(job("a").build(), 1)))
        .isEqualTo(JobProcessor.Decision.RELEASE);
    assertThat(sink.results).isEmpty();
  }

  @Test
  void shouldNotRunARedeliveredJobWhoseResultWasPublishedAlready() {
    publishedResult =
        new ResultSearch.Found(JobCompleted.newBuilder().setJobId("a").setWorkerId("dead").build());

    assertThat(processor.handle(delivered(job("a").build(), 2)))
        .isEqualTo(JobProcessor.Decision.ACCEPT);
    assertThat(sandbox.ran).isEmpty();
    assertThat(sink.results).isEmpty();
  }

  @Test
  void shouldNotRunARedeliveredJobWhenTheLookForItsResultDidNotFinish() {
    // Before: an unfinished lookup read as "no result", and the job ran a second time.
    publishedResult = new ResultSearch.Unfinished("deadline");

    assertThat(processor.handle(delivered(job("a").build(), 2)))
        .isEqualTo(JobProcessor.Decision.RELEASE);
    assertThat(sandbox.ran).isEmpty();
    assertThat(sink.results).isEmpty();
  }

  @Test
  void shouldFailWithoutRunningPastTheLastAttemptWhenTheLookStillDoesNotFinish() {
    publishedResult = new ResultSearch.Unfinished("deadline");

    assertThat(processor.handle(delivered(job("a").build(), MAX_ATTEMPTS + 1)))
        .isEqualTo(JobProcessor.Decision.ACCEPT);
    assertThat(sandbox.ran).isEmpty();
    assertThat(sink.results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getStatus()).isEqualTo(JobStatus.INTERNAL_ERROR);
              assertThat(r.getMessage()).contains("gave up after 3 attempts");
            });
  }

  @Test
  void shouldGiveUpOnAPoisonJobWithoutRunningIt() {
    assertThat(processor.handle(delivered(job("a").build(), MAX_ATTEMPTS + 1)))
        .isEqualTo(JobProcessor.Decision.ACCEPT);
    assertThat(sandbox.ran).isEmpty();
    assertThat(sink.results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getStatus()).isEqualTo(JobStatus.INTERNAL_ERROR);
              assertThat(r.getMessage()).contains("stopped its worker every time");
            });
  }

  @Test
  void shouldNotRunALaterRecordOfARepeatableIdWhoseFirstRecordCameEarlier() {
    earlierRecord = new KeyScan.Hit(3, new byte[0]);

    assertThat(processor.handle(delivered(job("k").setRepeatableId(true).build(), 1)))
        .isEqualTo(JobProcessor.Decision.ACCEPT);
    assertThat(sandbox.ran).isEmpty();
    assertThat(sink.results).isEmpty();
    assertThat(scannedBefore).singleElement().satisfies(r -> assertThat(r.offset()).isEqualTo(7));
  }

  @Test
  void shouldRunTheFirstRecordOfARepeatableId() {
    assertThat(processor.handle(delivered(job("k").setRepeatableId(true).build(), 1)))
        .isEqualTo(JobProcessor.Decision.ACCEPT);
    assertThat(sandbox.ran).containsExactly("k");
  }

  @Test
  void shouldHandBackARepeatableIdWhenTheLookForAnEarlierRecordDidNotFinish() {
    earlierRecord = new KeyScan.Unfinished("deadline");

    assertThat(processor.handle(delivered(job("k").setRepeatableId(true).build(), 1)))
        .isEqualTo(JobProcessor.Decision.RELEASE);
    assertThat(sandbox.ran).isEmpty();
  }

  @Test
  void shouldNotLookForEarlierRecordsOfAnOrdinaryId() {
    earlierRecord = new KeyScan.Hit(3, new byte[0]);

    processor.handle(delivered(job("a").build(), 1));

    assertThat(scannedBefore).isEmpty();
    assertThat(sandbox.ran).containsExactly("a");
  }

  @Test
  void shouldRejectAnInvalidJobWithoutRunningIt() {
    ExecuteJob invalid = job("a").setLanguage("no-such-language").build();

    assertThat(processor.handle(delivered(invalid, 1))).isEqualTo(JobProcessor.Decision.ACCEPT);
    assertThat(sandbox.ran).isEmpty();
    assertThat(sink.results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getStatus()).isEqualTo(JobStatus.REJECTED);
              assertThat(r.getMessage()).contains("language");
            });
  }

  @Test
  void shouldRejectUndecodableBytesUnderTheRecordsKey() {
    DeliveredRecord garbage =
        new DeliveredRecord("junk-1", new byte[] {(byte) 0xff, 0x01, 0x02}, 1, 0, 7, 0);

    assertThat(processor.handle(garbage)).isEqualTo(JobProcessor.Decision.ACCEPT);
    assertThat(sink.results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getJobId()).isEqualTo("junk-1");
              assertThat(r.getStatus()).isEqualTo(JobStatus.REJECTED);
            });
  }

  @Test
  void shouldDropUndecodableBytesWithoutAKey() {
    DeliveredRecord garbage = new DeliveredRecord(null, new byte[] {(byte) 0xff, 0x01}, 1, 0, 7, 0);

    assertThat(processor.handle(garbage)).isEqualTo(JobProcessor.Decision.REJECT);
    assertThat(sink.results).isEmpty();
  }

  @Test
  void shouldAnswerAJobCancelledWhileQueuedWithCancelledWithoutRunningIt() {
    live.cancelledIds.add("a");

    JobProcessor.Decision decision = processor.handle(delivered(job("a").build(), 1));

    assertThat(decision).isEqualTo(JobProcessor.Decision.ACCEPT);
    assertThat(sandbox.ran).isEmpty();
    assertThat(live.opened).isEmpty();
    assertThat(sink.results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getJobId()).isEqualTo("a");
              assertThat(r.getStatus()).isEqualTo(JobStatus.CANCELLED);
            });
  }

  @Test
  void shouldRunAJobWhoseCancelCameFromAnotherTenant() {
    live.cancelledIds.add("a");
    ExecuteJob job = job("a").setTenant("other").build();

    processor.handle(delivered(job, 1));

    assertThat(sandbox.ran).containsExactly("a");
    assertThat(sink.results)
        .singleElement()
        .satisfies(r -> assertThat(r.getStatus()).isEqualTo(JobStatus.SUCCEEDED));
  }

  @Test
  void shouldPublishTheResultWithTheOutputRecordCountAfterTheStreamIsFinished() {
    live.recordsOnFinish = 7;

    processor.handle(delivered(job("a").build(), 2));

    assertThat(live.opened).containsExactly("a#2");
    assertThat(sandbox.sessions).singleElement().isSameAs(live.lastJob);
    assertThat(sink.results)
        .singleElement()
        .satisfies(r -> assertThat(r.getOutputRecords()).isEqualTo(7));
    assertThat(events).containsExactly("finish a", "publish a", "close a");
  }

  @Test
  void shouldCloseTheLiveJobWithoutAResultWhenTheSandboxIsUnavailable() {
    sandbox.next = new Outcome.Unavailable("engine away");

    processor.handle(delivered(job("a").build(), 1));

    assertThat(events).containsExactly("close a");
  }

  private static ExecuteJob.Builder job(String id) {
    return ExecuteJob.newBuilder()
        .setJobId(id)
        .setTenant("acme")
        .setLanguage("python")
        .setSubmittedAtMs(System.currentTimeMillis())
        .addFiles(
            SourceFile.newBuilder()
                .setName("main.py")
                .setContent(ByteString.copyFromUtf8("print(1)")));
  }

  private static DeliveredRecord delivered(ExecuteJob job, int attempt) {
    return new DeliveredRecord(
        job.getJobId(), job.toByteArray(), attempt, 0, 7, System.currentTimeMillis());
  }

  /** Records which jobs ran; answers with {@link #next}. */
  private static final class RecordingSandbox implements Sandbox {
    final List<String> ran = new ArrayList<>();
    final List<LiveSession> sessions = new ArrayList<>();
    Outcome next =
        new Outcome.Succeeded(
            null,
            new StepReport(
                new byte[0], new byte[0], 0, 0, 1, 1, 1, false, false, StepReport.LimitHit.NONE),
            "exited with code 0");

    @Override
    public Outcome run(SandboxJob job, LiveSession live) {
      ran.add(job.jobId());
      sessions.add(live);
      return next;
    }

    @Override
    public dev.gozo.worker.sandbox.Preparation prepare(SandboxJob job, LiveSession live) {
      return new dev.gozo.worker.sandbox.Preparation.Compiled(null, null);
    }

    @Override
    public void close() {}
  }

  /** Records what was published; refuses results when {@link #accepting} is false. */
  private static final class RecordingSink implements ResultSink {
    final List<JobCompleted> results = new ArrayList<>();
    final List<String> started = new ArrayList<>();
    private final List<String> events;
    boolean accepting = true;

    RecordingSink(List<String> events) {
      this.events = events;
    }

    @Override
    public boolean publish(JobCompleted result) {
      events.add("publish " + result.getJobId());
      if (accepting) {
        results.add(result);
      }
      return accepting;
    }

    @Override
    public void started(String jobId, String tenant, String workerId, int attempt) {
      started.add(jobId);
    }
  }

  /**
   * Says "cancelled" for the ids in {@link #cancelledIds} (tenant acme only); its live jobs log
   * finish and close to the shared event list, and finish returns {@link #recordsOnFinish}.
   */
  private static final class FakeLiveJobs implements LiveJobs {
    final Set<String> cancelledIds = new HashSet<>();
    final List<String> opened = new ArrayList<>();
    private final List<String> events;
    long recordsOnFinish;
    LiveJob lastJob;

    FakeLiveJobs(List<String> events) {
      this.events = events;
    }

    @Override
    public boolean cancelled(String jobId, String tenant) {
      return tenant.equals("acme") && cancelledIds.contains(jobId);
    }

    @Override
    public LiveJob open(ExecuteJob job, int attempt) {
      opened.add(job.getJobId() + "#" + attempt);
      String id = job.getJobId();
      lastJob = new FakeLiveJob(id, events, recordsOnFinish);
      return lastJob;
    }

    @Override
    public void close() {}
  }

  /** A live job that streams nothing and logs finish and close. */
  private static final class FakeLiveJob implements LiveJobs.LiveJob {
    private final String id;
    private final List<String> events;
    private final long records;

    FakeLiveJob(String id, List<String> events, long records) {
      this.id = id;
      this.events = events;
      this.records = records;
    }

    @Override
    public long finish(Duration timeout) {
      events.add("finish " + id);
      return records;
    }

    @Override
    public void close() {
      events.add("close " + id);
    }

    @Override
    public boolean interactive() {
      return false;
    }

    @Override
    public Duration idleTimeout() {
      return LiveSession.NONE.idleTimeout();
    }

    @Override
    public void stageStarted(Stage stage) {}

    @Override
    public void output(Stream stream, byte[] data, int offset, int length) {}

    @Override
    public CompletableFuture<Void> cancelled() {
      return new CompletableFuture<>();
    }

    @Override
    public long lastActivityNanos() {
      return System.nanoTime();
    }

    @Override
    public void connect(Controls controls) {}
  }
}
