package dev.gozo.worker.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.protocol.v1.CancelRequest;
import dev.gozo.protocol.v1.JobInput;
import dev.gozo.protocol.v1.JobOutput;
import dev.gozo.protocol.v1.OutputStream;
import dev.gozo.protocol.v1.SignalRequest;
import dev.gozo.protocol.v1.Stage;
import dev.gozo.protocol.v1.StdinEof;
import dev.gozo.worker.sandbox.LiveSession;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One attempt's live stream with a recording sender and a real timer: the records it publishes
 * (numbered, stages before their output, deferred output flushed by the timer, bounded, never
 * failing the job) and the input it applies (own tenant only, once each, in order, from connect).
 */
class KafkaLiveJobTest {

  private static final String JOB = "job-1";
  private static final String TENANT = "acme";

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final RecordingSender sender = new RecordingSender();
  private final CountDownLatch timerBlocked = new CountDownLatch(1);

  @AfterEach
  void stopTimer() {
    timerBlocked.countDown();
    timer.shutdownNow();
  }

  @Test
  void shouldNumberRecordsFromOneUpAndPutAStageBeforeItsOutput() {
    KafkaLiveJob job = job(false);

    job.stageStarted(LiveSession.Stage.RUN);
    write(job, LiveSession.Stream.STDOUT, "hello\n");
    job.finish(Duration.ofSeconds(1));

    List<JobOutput> records = sender.records();
    assertThat(records).extracting(JobOutput::getSeq).containsExactly(1L, 2L);
    assertThat(records.get(0).getStage().getStage()).isEqualTo(Stage.STAGE_RUN);
    assertThat(records.get(1).getChunk().getStream()).isEqualTo(OutputStream.STDOUT);
    assertThat(records.get(1).getChunk().getData().toStringUtf8()).isEqualTo("hello\n");
    assertThat(records)
        .allSatisfy(
            r -> {
              assertThat(r.getJobId()).isEqualTo(JOB);
              assertThat(r.getTenant()).isEqualTo(TENANT);
              assertThat(r.getDeliveryAttempt()).isEqualTo(2);
            });
    assertThat(sender.keys).containsOnly(JOB);
  }

  @Test
  void shouldPublishWhatTheCompilerWroteBeforeTheRunStage() {
    KafkaLiveJob job = job(false);

    job.stageStarted(LiveSession.Stage.COMPILE);
    write(job, LiveSession.Stream.STDERR, "warning: ");
    write(job, LiveSession.Stream.STDERR, "unused\n"); // most likely still buffered
    job.stageStarted(LiveSession.Stage.RUN);
    write(job, LiveSession.Stream.STDOUT, "42\n");
    job.finish(Duration.ofSeconds(1));

    assertThat(describe(sender.records()))
        .containsExactly(
            "stage:STAGE_COMPILE", "STDERR:warning: unused\n", "stage:STAGE_RUN", "STDOUT:42\n");
    assertThat(sender.records())
        .extracting(JobOutput::getSeq)
        .isEqualTo(sequence(sender.records().size()));
  }

  @Test
  void shouldPublishOutputWrittenTooSoonAfterTheLastRecordWhenTheTimerFires() {
    KafkaLiveJob job = job(false);
    write(job, LiveSession.Stream.STDOUT, "a"); // the first write goes out at once
    assertThat(sender.records()).hasSize(1);

    // Write until one write is held back (within MIN_INTERVAL of the last publish); after it,
    // nothing but the timer can publish it.
    int writes = 1;
    boolean heldBack = false;
    for (int i = 0; i < 1_000 && !heldBack; i++) {
      int before = sender.count();
      write(job, LiveSession.Stream.STDOUT, "b");
      writes++;
      heldBack = sender.count() == before;
    }
    assertThat(heldBack).as("a write within MIN_INTERVAL was held back").isTrue();

    int expected = writes;
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(stdout(sender.records())).hasSize(expected));
    assertThat(stdout(sender.records())).isEqualTo("a" + "b".repeat(writes - 1));
  }

  @Test
  void shouldPublishWhatIsBufferedOnFinishAndReturnTheRecordCount() {
    blockTimer(); // the deferred flush cannot run: only finish() publishes
    KafkaLiveJob job = job(false);
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    job.stageStarted(LiveSession.Stage.RUN);
    write(job, LiveSession.Stream.STDOUT, "cost: ");
    job.output(LiveSession.Stream.STDOUT, euro, 0, 2); // an unfinished character at the end

    long count = job.finish(Duration.ofSeconds(1));

    assertThat(count).isEqualTo(sender.count());
    assertThat(sender.records()).extracting(JobOutput::getSeq).isEqualTo(sequence((int) count));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes("cost: ".getBytes(StandardCharsets.UTF_8));
    expected.write(euro, 0, 2);
    assertThat(outputBytes(sender.records())).isEqualTo(expected.toByteArray());
  }

  @Test
  void shouldStopTheStreamWithoutFailingAfterTheMostRecordsAnAttemptMayPublish() {
    KafkaLiveJob job = job(false);

    assertThatCode(
            () -> {
              for (long i = 0; i < KafkaLiveJob.MAX_RECORDS + 5; i++) {
                job.stageStarted(LiveSession.Stage.RUN);
              }
              write(job, LiveSession.Stream.STDOUT, "late");
            })
        .doesNotThrowAnyException();
    long count = job.finish(Duration.ofSeconds(1));

    assertThat(count).isEqualTo(KafkaLiveJob.MAX_RECORDS);
    assertThat(sender.count()).isEqualTo((int) KafkaLiveJob.MAX_RECORDS);
  }

  @Test
  void shouldStopTheStreamWithoutFailingWhenARecordCannotBeSent() {
    AtomicInteger attempts = new AtomicInteger();
    KafkaLiveJob job =
        new KafkaLiveJob(
            JOB,
            TENANT,
            1,
            false,
            Duration.ofSeconds(30),
            (key, record) -> {
              attempts.incrementAndGet();
              throw new IllegalStateException("producer closed");
            },
            timer,
            () -> {});

    assertThatCode(
            () -> {
              job.stageStarted(LiveSession.Stage.RUN);
              write(job, LiveSession.Stream.STDOUT, "hello");
              job.stageStarted(LiveSession.Stage.RUN);
            })
        .doesNotThrowAnyException();
    long count = job.finish(Duration.ofSeconds(1));

    assertThat(attempts).hasValue(1);
    assertThat(count).isZero();
  }

  @Test
  void shouldIgnoreInputOfAnotherTenant() {
    KafkaLiveJob job = job(true);
    RecordingControls controls = new RecordingControls();
    job.connect(controls);

    job.deliver(stdin(1, "rm -rf /\n").toBuilder().setTenant("intruder").build());
    job.deliver(cancel().toBuilder().setTenant("intruder").build());

    assertThat(controls.calls).isEmpty();
    assertThat(job.cancelled()).isNotDone();
  }

  @Test
  void shouldApplyInputThatArrivedBeforeTheProgramRanOnConnectInOrder() {
    KafkaLiveJob job = job(true);
    job.deliver(stdin(1, "first\n"));
    job.deliver(stdin(2, "second\n"));
    job.deliver(eof(3));
    RecordingControls controls = new RecordingControls();

    job.connect(controls);
    job.deliver(stdin(4, "after\n"));

    assertThat(controls.calls)
        .containsExactly("stdin:first\n", "stdin:second\n", "eof", "stdin:after\n");
  }

  @Test
  void shouldApplyAnInputRecordOnlyOnce() {
    KafkaLiveJob job = job(true);
    RecordingControls controls = new RecordingControls();
    job.connect(controls);

    job.deliver(stdin(1, "one\n"));
    job.deliver(stdin(2, "two\n"));
    job.deliver(stdin(1, "one\n")); // read again, e.g. after the router reconnected
    job.deliver(stdin(2, "two\n"));
    job.deliver(stdin(3, "three\n"));

    assertThat(controls.calls).containsExactly("stdin:one\n", "stdin:two\n", "stdin:three\n");
  }

  @Test
  void shouldPassStdinEndOfInputAndSignalsToTheProgram() {
    KafkaLiveJob job = job(true);
    RecordingControls controls = new RecordingControls();
    job.connect(controls);

    job.deliver(stdin(1, "x"));
    job.deliver(signal(2, "SIGINT"));
    job.deliver(signal(3, "SIGTERM"));
    job.deliver(signal(4, "KILL"));
    job.deliver(eof(5));

    assertThat(controls.calls)
        .containsExactly("stdin:x", "signal:INT", "signal:TERM", "signal:KILL", "eof");
  }

  @Test
  void shouldIgnoreASignalACallerMayNotSend() {
    KafkaLiveJob job = job(true);
    RecordingControls controls = new RecordingControls();
    job.connect(controls);

    job.deliver(signal(1, "SIGSTOP"));
    job.deliver(signal(2, "HUP"));
    job.deliver(signal(3, ""));

    assertThat(controls.calls).isEmpty();
  }

  @Test
  void shouldCompleteCancelledOnACancelOfItsTenant() {
    KafkaLiveJob job = job(true);

    job.deliver(cancel());

    assertThat(job.cancelled()).isDone();
  }

  @Test
  void shouldIgnoreStdinButHonourCancelForAJobThatIsNotInteractive() {
    KafkaLiveJob job = job(false);
    RecordingControls controls = new RecordingControls();
    job.connect(controls);

    job.deliver(stdin(1, "ignored\n"));
    job.deliver(eof(2));
    job.deliver(signal(3, "SIGINT"));
    assertThat(job.cancelled()).isNotDone();
    job.deliver(cancel());

    assertThat(controls.calls).isEmpty();
    assertThat(job.cancelled()).isDone();
  }

  @Test
  void shouldCountInputAndOutputAsActivity() {
    KafkaLiveJob job = job(true);
    job.connect(new RecordingControls());

    long atStart = job.lastActivityNanos();
    waitForTheClockToMove(atStart);
    job.deliver(stdin(1, "typed\n"));
    long afterInput = job.lastActivityNanos();
    waitForTheClockToMove(afterInput);
    write(job, LiveSession.Stream.STDOUT, "printed\n");
    long afterOutput = job.lastActivityNanos();

    assertThat(afterInput).isGreaterThan(atStart);
    assertThat(afterOutput).isGreaterThan(afterInput);
  }

  private KafkaLiveJob job(boolean interactive) {
    return new KafkaLiveJob(
        JOB, TENANT, 2, interactive, Duration.ofSeconds(30), sender, timer, () -> {});
  }

  /** Occupies the timer's only thread until the test ends. */
  private void blockTimer() {
    CountDownLatch running = new CountDownLatch(1);
    timer.execute(
        () -> {
          running.countDown();
          try {
            timerBlocked.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      running.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void waitForTheClockToMove(long from) {
    await().atMost(Duration.ofSeconds(1)).until(() -> System.nanoTime() > from);
  }

  private static void write(KafkaLiveJob job, LiveSession.Stream stream, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    job.output(stream, bytes, 0, bytes.length);
  }

  private static JobInput.Builder input(long seq) {
    return JobInput.newBuilder().setJobId(JOB).setTenant(TENANT).setSeq(seq);
  }

  private static JobInput stdin(long seq, String text) {
    return input(seq).setStdin(ByteString.copyFromUtf8(text)).build();
  }

  private static JobInput eof(long seq) {
    return input(seq).setEof(StdinEof.getDefaultInstance()).build();
  }

  private static JobInput signal(long seq, String name) {
    return input(seq).setSignal(SignalRequest.newBuilder().setName(name)).build();
  }

  private static JobInput cancel() {
    return input(0).setCancel(CancelRequest.getDefaultInstance()).build();
  }

  private static List<Long> sequence(int n) {
    List<Long> seqs = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      seqs.add(i);
    }
    return seqs;
  }

  /** Stages and chunks as text, consecutive chunks of one stream merged. */
  private static List<String> describe(List<JobOutput> records) {
    List<String> described = new ArrayList<>();
    String lastStream = null;
    for (JobOutput record : records) {
      if (record.hasStage()) {
        described.add("stage:" + record.getStage().getStage());
        lastStream = null;
      } else {
        String stream = record.getChunk().getStream().name();
        String data = record.getChunk().getData().toStringUtf8();
        if (stream.equals(lastStream)) {
          int last = described.size() - 1;
          described.set(last, described.get(last) + data);
        } else {
          described.add(stream + ":" + data);
        }
        lastStream = stream;
      }
    }
    return described;
  }

  private static String stdout(List<JobOutput> records) {
    return new String(outputBytes(records), StandardCharsets.UTF_8);
  }

  private static byte[] outputBytes(List<JobOutput> records) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    records.stream()
        .filter(JobOutput::hasChunk)
        .forEach(r -> all.writeBytes(r.getChunk().getData().toByteArray()));
    return all.toByteArray();
  }

  /** Keeps every record it is given; each send succeeds at once. */
  private static final class RecordingSender implements KafkaLiveJob.Sender {
    final List<String> keys = Collections.synchronizedList(new ArrayList<>());
    private final List<byte[]> sent = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Future<?> send(String jobId, byte[] record) {
      keys.add(jobId);
      sent.add(record);
      return CompletableFuture.completedFuture(null);
    }

    int count() {
      return sent.size();
    }

    List<JobOutput> records() {
      List<JobOutput> decoded = new ArrayList<>();
      for (byte[] record : List.copyOf(sent)) {
        try {
          decoded.add(JobOutput.parseFrom(record));
        } catch (InvalidProtocolBufferException e) {
          throw new UncheckedIOException(e);
        }
      }
      return decoded;
    }
  }

  /** What reached the program, in order. */
  static final class RecordingControls implements LiveSession.Controls {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void stdin(byte[] data) {
      calls.add("stdin:" + new String(data, StandardCharsets.UTF_8));
    }

    @Override
    public void endOfInput() {
      calls.add("eof");
    }

    @Override
    public void signal(String name) {
      calls.add("signal:" + name);
    }
  }
}
