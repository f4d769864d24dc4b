package dev.gozo.gateway.live;

/**
 * Where a {@link LiveSubscription} delivers its events: an SSE response or a WebSocket. Called by
 * one thread at a time, never the thread that reads Kafka.
 */
public interface LiveSink {

  /** Whether the sink can take an event now (its client has asked for more). */
  boolean ready();

  void send(LiveEvent event);

  /** The stream was idle for a heartbeat interval; only called when {@link #ready()}. */
  void heartbeat();

  /**
   * The stream ends: after its result ({@code complete}), or because the subscriber fell too far
   * behind or the gateway stops (then the client resumes with the last id it got).
   */
  void end(boolean complete);
}
