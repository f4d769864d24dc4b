package dev.gozo.worker.sandbox;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One job's live side while it runs: where its stages and output go as they happen, and where
 * input, signals and a cancel for it come from. The sandbox knows only this interface; the worker
 * connects it to Kafka (gozo.output, gozo.input). {@link #NONE} is a job nobody watches.
 */
public interface LiveSession {

  /** A step of the job. */
  enum Stage {
    COMPILE,
    RUN
  }

  /** Which of the program's streams bytes came from. */
  enum Stream {
    STDOUT,
    STDERR
  }

  /** What the running program receives: the sandbox implements it once the program started. */
  interface Controls {

    /** The signals a caller may send, without the SIG prefix; {@link #signal} takes no other. */
    java.util.Set<String> SIGNALS = java.util.Set.of("INT", "TERM", "KILL");

    /** Bytes for the program's standard input. */
    void stdin(byte[] data);

    /** Closes the program's standard input. */
    void endOfInput();

    /** Sends the program a signal: INT, TERM or KILL. */
    void signal(String name);
  }

  /** Whether the program's stdin stays open for {@link Controls#stdin} (an interactive run). */
  boolean interactive();

  /** How long an interactive job may see neither input nor output before it is ended. */
  Duration idleTimeout();

  /** A step began; everything the step writes follows it. */
  void stageStarted(Stage stage);

  /** Bytes the step wrote that its output limit keeps, in the order they were written. */
  void output(Stream stream, byte[] data, int offset, int length);

  /** A test of a judged job finished (its runs stream no output, only this). */
  default void testFinished(dev.gozo.protocol.v1.TestResult result) {}

  /** Completes when the job was cancelled. */
  CompletableFuture<Void> cancelled();

  /** System.nanoTime() of the last input or output: the idle limit counts from it. */
  long lastActivityNanos();

  /**
   * The program is running and reads input from {@code controls} from now on; input that arrived
   * earlier is delivered at once, in order.
   */
  void connect(Controls controls);

  /** A job nobody watches. */
  LiveSession NONE = new Unwatched();

  /**
   * A session that streams nothing, takes no input and is never cancelled: {@link #NONE}, and the
   * base of sessions that listen to only some of it.
   */
  class Unwatched implements LiveSession {
    private final CompletableFuture<Void> never = new CompletableFuture<>();

    @Override
    public boolean interactive() {
      return false;
    }

    @Override
    public Duration idleTimeout() {
      return Duration.ZERO;
    }

    @Override
    public void stageStarted(Stage stage) {}

    @Override
    public void output(Stream stream, byte[] data, int offset, int length) {}

    @Override
    public CompletableFuture<Void> cancelled() {
      return never;
    }

    @Override
    public long lastActivityNanos() {
      return System.nanoTime();
    }

    @Override
    public void connect(Controls controls) {}
  }
}
