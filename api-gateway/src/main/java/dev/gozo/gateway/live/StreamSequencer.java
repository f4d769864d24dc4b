package dev.gozo.gateway.live;

import dev.gozo.gateway.jobs.JobPhase;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.results.ExecutionView;
import dev.gozo.gateway.results.OutputText;
import dev.gozo.gateway.results.TestView;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what one subscriber learns about a job (its states from the store, its output records from
 * the output topic, in any interleaving, with duplicates) into the events it is sent: in {@link
 * EventId} order, each once, after the id it resumed from, the result last and only once every
 * output record of the result's attempt was sent (or {@link #RESULT_GRACE_MS} after the result
 * arrived, when some never come). Pure: no threads, no clock of its own; the caller passes the
 * time.
 *
 * <p>A record at or before the last event sent is dropped: it was sent already (a snapshot and the
 * live feed overlap), or it belongs to an attempt that was superseded (a redelivered job).
 */
public final class StreamSequencer {

  /** How long a result waits for output records its worker counted but that did not arrive. */
  public static final long RESULT_GRACE_MS = 2000;

  private final String jobId;
  private final String tenant;
  private EventId cursor;
  private JobState latest;
  private boolean done;
  private long resultWaitingSinceMs = -1;
  private boolean resultWasEarly;

  /**
   * @param resumeAfter the last event the client has (its Last-Event-ID), null for a new stream
   */
  public StreamSequencer(String jobId, String tenant, EventId resumeAfter) {
    this.jobId = jobId;
    this.tenant = tenant;
    this.cursor = resumeAfter;
    this.done = EventId.RESULT.equals(resumeAfter);
  }

  /** A state of the job (from the store); states never move a stream backwards. */
  public List<LiveEvent> onState(JobState state, long nowMs) {
    if (latest == null || rank(state) >= rank(latest)) {
      latest = state;
    }
    List<LiveEvent> out = new ArrayList<>();
    advance(out, nowMs);
    return out;
  }

  /** An output record of the job (from memory, a replay or the live feed). */
  public List<LiveEvent> onRecord(JobOutput record, long nowMs) {
    List<LiveEvent> out = new ArrayList<>();
    if (done || record.getSeq() <= 0) {
      return out;
    }
    if (!record.getTenant().isEmpty() && !record.getTenant().equals(tenant)) {
      return out; // not this job's owner: not a record of this job
    }
    int attempt = Math.max(1, record.getDeliveryAttempt());
    EventId id = new EventId(attempt, record.getSeq());
    if (cursor != null && !id.isAfter(cursor)) {
      return out;
    }
    queuedFirst(out);
    if (cursor.attempt() < attempt) {
      emit(out, new LiveEvent.Started(attempt));
    }
    LiveEvent event = toEvent(id, record);
    if (event != null) {
      out.add(event);
    }
    cursor = id; // a record of a kind this gateway does not know still counts as sent
    advance(out, nowMs);
    return out;
  }

  /** Lets a result that waited for missing records out once its grace has passed. */
  public List<LiveEvent> onTick(long nowMs) {
    List<LiveEvent> out = new ArrayList<>();
    advance(out, nowMs);
    return out;
  }

  /** True once the result was sent (or the stream resumed after it): nothing more will come. */
  public boolean isDone() {
    return done;
  }

  /** When a result that waits for records is let out anyway, -1 when none waits. */
  public long resultDueAtMs() {
    return done || resultWaitingSinceMs < 0 ? -1 : resultWaitingSinceMs + RESULT_GRACE_MS;
  }

  /** Whether the result was sent before all the records its worker counted. */
  public boolean resultWasEarly() {
    return resultWasEarly;
  }

  private void advance(List<LiveEvent> out, long nowMs) {
    if (done || latest == null) {
      return;
    }
    queuedFirst(out);
    if (latest.phase() == JobPhase.RUNNING) {
      int attempt = Math.max(1, latest.attempt());
      if (EventId.started(attempt).isAfter(cursor)) {
        emit(out, new LiveEvent.Started(attempt));
      }
      return;
    }
    if (!latest.isFinished()) {
      return;
    }
    JobCompleted result = latest.result();
    int attempt = Math.max(1, result.getDeliveryAttempt());
    long expected = result.getOutputRecords();
    boolean allSent = expected <= 0 || cursor.compareTo(new EventId(attempt, expected)) >= 0;
    if (!allSent) {
      if (resultWaitingSinceMs < 0) {
        resultWaitingSinceMs = nowMs;
      }
      if (nowMs - resultWaitingSinceMs < RESULT_GRACE_MS) {
        return;
      }
      resultWasEarly = true;
    }
    if (result.getStartedAtMs() > 0 && EventId.started(attempt).isAfter(cursor)) {
      emit(out, new LiveEvent.Started(attempt));
    }
    emit(out, new LiveEvent.Result(ExecutionView.of(latest)));
    done = true;
  }

  private void queuedFirst(List<LiveEvent> out) {
    if (cursor == null) {
      emit(out, new LiveEvent.Queued(jobId));
    }
  }

  private void emit(List<LiveEvent> out, LiveEvent event) {
    out.add(event);
    cursor = event.id();
  }

  private static LiveEvent toEvent(EventId id, JobOutput record) {
    switch (record.getKindCase()) {
      case STAGE:
        switch (record.getStage().getStage()) {
          case STAGE_COMPILE:
            return new LiveEvent.Stage(id, "compile");
          case STAGE_RUN:
            return new LiveEvent.Stage(id, "run");
          default:
            return null;
        }
      case CHUNK:
        String stream;
        switch (record.getChunk().getStream()) {
          case STDOUT:
            stream = "stdout";
            break;
          case STDERR:
            stream = "stderr";
            break;
          default:
            return null;
        }
        OutputText text = OutputText.of(record.getChunk().getData());
        return text.base64() == null
            ? new LiveEvent.Output(id, stream, text.text(), false)
            : new LiveEvent.Output(id, stream, text.base64(), true);
      case TEST:
        return new LiveEvent.Test(id, TestView.of(record.getTest()));
      default:
        return null;
    }
  }

  /** Phases in their order; a higher attempt is later than a lower one. */
  private static long rank(JobState state) {
    return (long) state.phase().ordinal() << 32 | Math.max(0, state.attempt());
  }
}
