package dev.gozo.gateway.live;

import dev.gozo.gateway.results.ExecutionView;
import dev.gozo.gateway.results.TestView;

/**
 * One event of a job's live stream, as SSE and the WebSocket send it: queued, started, a stage, a
 * chunk of output, a finished test, the result. {@link #id()} orders them.
 */
public sealed interface LiveEvent {

  EventId id();

  /** The event's name on the wire: queued, started, stage, stdout, stderr, test, result. */
  String type();

  /** The job was accepted. */
  record Queued(String jobId) implements LiveEvent {
    @Override
    public EventId id() {
      return EventId.QUEUED;
    }

    @Override
    public String type() {
      return "queued";
    }
  }

  /** A worker took the job in this delivery attempt. */
  record Started(int attempt) implements LiveEvent {
    @Override
    public EventId id() {
      return EventId.started(attempt);
    }

    @Override
    public String type() {
      return "started";
    }
  }

  /** A step began: {@code compile} or {@code run}. */
  record Stage(EventId id, String stage) implements LiveEvent {
    @Override
    public String type() {
      return "stage";
    }
  }

  /**
   * Output of a step on {@code stream} (stdout or stderr): the text, or when the bytes are not
   * valid UTF-8, their base64.
   */
  record Output(EventId id, String stream, String data, boolean base64) implements LiveEvent {
    @Override
    public String type() {
      return stream;
    }
  }

  /** A judged job's test finished: exactly its element of the result's {@code tests}. */
  record Test(EventId id, TestView view) implements LiveEvent {
    @Override
    public String type() {
      return "test";
    }
  }

  /** The final result, as {@code GET /v1/executions/{id}} returns it. */
  record Result(ExecutionView view) implements LiveEvent {
    @Override
    public EventId id() {
      return EventId.RESULT;
    }

    @Override
    public String type() {
      return "result";
    }
  }
}
