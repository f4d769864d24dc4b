package dev.gozo.worker.sandbox.run;

import dev.gozo.worker.sandbox.LiveSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link LiveSession} for tests of the sandbox: logs stages and output in the order they arrive
 * (consecutive output of one stream merged, as "STDOUT:text"), counts output as activity, and lets
 * the test cancel the job ({@link #cancelled}) and reach the program ({@link #connected}).
 */
final class RecordingLiveSession implements LiveSession {

  final CompletableFuture<Void> cancelled = new CompletableFuture<>();
  final CompletableFuture<Controls> connected = new CompletableFuture<>();
  private final boolean interactive;
  private final Duration idleTimeout;
  private final List<String> events = new ArrayList<>();
  private Stream lastStream;
  private volatile long lastActivityNanos = System.nanoTime();

  private RecordingLiveSession(boolean interactive, Duration idleTimeout) {
    this.interactive = interactive;
    this.idleTimeout = idleTimeout;
  }

  /** A job that is watched but takes no input. */
  static RecordingLiveSession watching() {
    return new RecordingLiveSession(false, Duration.ZERO);
  }

  /** An interactive job with the given idle limit. */
  static RecordingLiveSession interactive(Duration idleTimeout) {
    return new RecordingLiveSession(true, idleTimeout);
  }

  /** Stages and output so far, e.g. ["stage:RUN", "STDOUT:hello\n"]. */
  synchronized List<String> events() {
    return List.copyOf(events);
  }

  @Override
  public boolean interactive() {
    return interactive;
  }

  @Override
  public Duration idleTimeout() {
    return idleTimeout;
  }

  @Override
  public synchronized void stageStarted(Stage stage) {
    events.add("stage:" + stage);
    lastStream = null;
  }

  @Override
  public synchronized void output(Stream stream, byte[] data, int offset, int length) {
    lastActivityNanos = System.nanoTime();
    String text = new String(data, offset, length, StandardCharsets.UTF_8);
    if (stream == lastStream) {
      int last = events.size() - 1;
      events.set(last, events.get(last) + text);
    } else {
      events.add(stream + ":" + text);
    }
    lastStream = stream;
  }

  @Override
  public CompletableFuture<Void> cancelled() {
    return cancelled;
  }

  @Override
  public long lastActivityNanos() {
    return lastActivityNanos;
  }

  @Override
  public void connect(Controls controls) {
    connected.complete(controls);
  }
}
