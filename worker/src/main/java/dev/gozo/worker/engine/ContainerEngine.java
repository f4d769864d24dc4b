package dev.gozo.worker.engine;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the worker needs from a container engine, in our words. {@link DockerEngine} is the real
 * one; tests use an in-memory fake. Both pass one contract test ({@code ContainerEngineContract}),
 * so a test that passes against the fake says something about Docker too.
 *
 * <p>Failures: a container or image that does not exist is {@link NotFound}; an engine that is away
 * or broken fails with {@link EngineFailure} or an exception caused by an {@link
 * java.io.IOException}; anything else is about the request.
 */
public interface ContainerEngine {

  /**
   * Creates (does not start) a container and returns its id. Every container has no network and no
   * log driver, whatever the spec says: nothing of a job may reach the network or the host's disk.
   */
  String create(ContainerSpec spec);

  /**
   * Attaches to the container's stdin, stdout and stderr (attach before {@link #start}, or early
   * output is lost). The stream stays open until the container exits or the attachment is closed.
   */
  Attachment attach(String id, InputStream stdin, OutputSink output);

  void start(String id);

  /** Changes a created or running container's memory (without swap) and process limits. */
  void updateLimits(String id, long memoryBytes, long processes);

  /** Sends SIGKILL. A container that has stopped already, or is gone, is not an error. */
  void kill(String id);

  /**
   * Removes the container, running or not, with its anonymous volumes. Returns whether this call
   * removed it: one already gone, or whose removal is under way elsewhere, is not an error.
   */
  boolean remove(String id);

  /** Containers in any state carrying all of the labels. */
  List<ContainerSummary> list(Map<String, String> labels);

  ContainerState inspect(String id);

  /**
   * Waits until the container has exited and returns its exit status; throws when it has not exited
   * within the timeout.
   */
  int awaitExit(String id, Duration timeout);

  /** Returns when the engine answers, throws when it does not. */
  void ping();

  /**
   * The engine's own time. Leases and container ages are measured against it, never against a
   * worker's clock: workers on different hosts share one engine, and their clocks may disagree with
   * it and with each other, while the engine's creation times and its clock always agree.
   */
  Instant time();

  /** A live attach stream. */
  interface Attachment extends AutoCloseable {

    /** Whether the stream is up; false when it did not come up within the timeout. */
    boolean awaitStarted(Duration timeout) throws InterruptedException;

    /** Closes the stream; closing one that has ended already is fine. */
    @Override
    void close();
  }

  /** Receives an attached container's output, on the engine's thread. */
  interface OutputSink {

    void stdout(byte[] bytes);

    void stderr(byte[] bytes);

    /** The streams ended: the container exited, or the attachment failed or was closed. */
    void closed();
  }

  /** The container or image does not exist. */
  final class NotFound extends RuntimeException {
    public NotFound(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The engine failed in itself (not because of the request): it counts against its health. */
  final class EngineFailure extends RuntimeException {
    public EngineFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
