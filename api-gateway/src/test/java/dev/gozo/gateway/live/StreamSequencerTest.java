package dev.gozo.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobOutput;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.OutputChunk;
import dev.gozo.protocol.v1.OutputStream;
import dev.gozo.protocol.v1.Stage;
import dev.gozo.protocol.v1.StageStarted;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamSequencerTest {

  private static final String JOB = "job-1";
  private static final String TENANT = "acme";

  private final List<LiveEvent> sent = new ArrayList<>();

  @Test
  void shouldSendQueuedStartedRecordsAndResultInOrder() {
    StreamSequencer sequencer = new StreamSequencer(JOB, TENANT, null);

    sent.addAll(sequencer.onState(queued(), 0));
    sent.addAll(sequencer.onState(running(1), 0));
    sent.addAll(sequencer.onRecord(stage(1, 1), 0));
    sent.addAll(sequencer.onRecord(chunk(1, 2, OutputStream.STDOUT, "hi"), 0));
    sent.addAll(sequencer.onState(finished(1, 2), 0));

    assertThat(ids()).containsExactly("0-0", "1-0", "1-1", "1-2", "result");
    assertThat(types()).containsExactly("queued", "started", "stage", "stdout", "result");
    assertThat(sequencer.isDone()).isTrue();
  }

  @Test
  void shouldDropRecordsItSentAlreadyOrThatPrecedeTheResumePoint() {
    StreamSequencer sequencer = new StreamSequencer(JOB, TENANT, new EventId(1, 2));

    sent.addAll(sequencer.onState(running(1), 0));
    for (long seq = 1; seq <= 3; seq++) {
      sent.addAll(sequencer.onRecord(chunk(1, seq, OutputStream.STDOUT, "x"), 0));
    }
    sent.addAll(sequencer.onRecord(chunk(1, 3, OutputStream.STDOUT, "x"), 0)); // a duplicate

    assertThat(ids()).containsExactly("1-3");
  }

  @Test
  void shouldHoldTheResultUntilEveryCountedRecordWasSentOrTheGraceEnded() {
    StreamSequencer sequencer = new StreamSequencer(JOB, TENANT, null);
    sent.addAll(sequencer.onRecord(chunk(1, 1, OutputStream.STDOUT, "a"), 1000));

    // the result counts 3 records; 2 and 3 are still on their way
    sent.addAll(sequencer.onState(finished(1, 3), 1000));
    assertThat(types()).doesNotContain("result");
    assertThat(sequencer.resultDueAtMs()).isEqualTo(1000 + StreamSequencer.RESULT_GRACE_MS);

    // record 2 arrives; record 3 never does
    sent.addAll(sequencer.onRecord(chunk(1, 2, OutputStream.STDERR, "b"), 1500));
    sent.addAll(sequencer.onTick(1000 + StreamSequencer.RESULT_GRACE_MS - 1));
    assertThat(types()).doesNotContain("result");
    sent.addAll(sequencer.onTick(1000 + StreamSequencer.RESULT_GRACE_MS));

    assertThat(ids()).containsExactly("0-0", "1-0", "1-1", "1-2", "result");
    assertThat(sequencer.resultWasEarly()).isTrue();
  }

  @Test
  void shouldStartARedeliveredAttemptAgainAndIgnoreTheOldAttemptsLateRecords() {
    StreamSequencer sequencer = new StreamSequencer(JOB, TENANT, null);
    sent.addAll(sequencer.onRecord(chunk(1, 1, OutputStream.STDOUT, "first"), 0));
    sent.addAll(sequencer.onState(running(2), 0));
    sent.addAll(sequencer.onRecord(chunk(1, 2, OutputStream.STDOUT, "zombie"), 0));
    sent.addAll(sequencer.onRecord(chunk(2, 1, OutputStream.STDOUT, "second"), 0));
    sent.addAll(sequencer.onState(finished(2, 1), 0));

    assertThat(ids()).containsExactly("0-0", "1-0", "1-1", "2-0", "2-1", "result");
  }

  @Test
  void shouldSendBase64WhenAChunkIsNotUtf8() {
    StreamSequencer sequencer = new StreamSequencer(JOB, TENANT, null);
    JobOutput invalid =
        output(1, 1)
            .setChunk(
                OutputChunk.newBuilder()
                    .setStream(OutputStream.STDOUT)
                    .setData(ByteString.copyFrom(new byte[] {'a', (byte) 0xC3})))
            .build();

    sent.addAll(sequencer.onRecord(invalid, 0));
    sent.addAll(sequencer.onRecord(chunk(1, 2, OutputStream.STDOUT, "\u00e9\u0000"), 0));

    LiveEvent.Output first = (LiveEvent.Output) sent.get(2);
    LiveEvent.Output second = (LiveEvent.Output) sent.get(3);
    assertThat(first.base64()).isTrue();
    assertThat(first.data()).isEqualTo("YcM=");
    assertThat(second.base64()).isFalse();
    assertThat(second.data()).isEqualTo("\u00e9\u0000");
  }

  @Test
  void shouldIgnoreAnotherTenantsRecordsAndNeverGoBackFromAFinishedState() {
    StreamSequencer sequencer = new StreamSequencer(JOB, TENANT, null);
    sent.addAll(
        sequencer.onRecord(
            chunk(1, 1, OutputStream.STDOUT, "x").toBuilder().setTenant("globex").build(), 0));
    sent.addAll(sequencer.onState(finished(1, 0), 0));
    sent.addAll(sequencer.onState(queued(), 0));
    sent.addAll(sequencer.onRecord(chunk(1, 1, OutputStream.STDOUT, "late"), 0));

    assertThat(ids()).containsExactly("0-0", "1-0", "result");
  }

  @Test
  void shouldSendNothingToAClientThatHasTheResult() {
    StreamSequencer sequencer = new StreamSequencer(JOB, TENANT, EventId.RESULT);

    sent.addAll(sequencer.onState(finished(1, 0), 0));

    assertThat(sent).isEmpty();
    assertThat(sequencer.isDone()).isTrue();
  }

  private List<String> ids() {
    return sent.stream().map(e -> e.id().toString()).toList();
  }

  private List<String> types() {
    return sent.stream().map(LiveEvent::type).toList();
  }

  private static JobState queued() {
    return JobState.queued(JOB, TENANT, "python", "3.11.2", 1);
  }

  private static JobState running(int attempt) {
    return JobState.running(JOB, TENANT, "w" + attempt, attempt, 2);
  }

  private static JobState finished(int attempt, long records) {
    return JobState.finished(
        JobCompleted.newBuilder()
            .setJobId(JOB)
            .setTenant(TENANT)
            .setStatus(JobStatus.SUCCEEDED)
            .setStartedAtMs(2)
            .setFinishedAtMs(3)
            .setDeliveryAttempt(attempt)
            .setOutputRecords(records)
            .build());
  }

  static JobOutput stage(int attempt, long seq) {
    return output(attempt, seq)
        .setStage(StageStarted.newBuilder().setStage(Stage.STAGE_RUN))
        .build();
  }

  static JobOutput chunk(int attempt, long seq, OutputStream stream, String text) {
    return output(attempt, seq)
        .setChunk(OutputChunk.newBuilder().setStream(stream).setData(ByteString.copyFromUtf8(text)))
        .build();
  }

  private static JobOutput.Builder output(int attempt, long seq) {
    return JobOutput.newBuilder()
        .setJobId(JOB)
        .setTenant(TENANT)
        .setDeliveryAttempt(attempt)
        .setSeq(seq);
  }
}
