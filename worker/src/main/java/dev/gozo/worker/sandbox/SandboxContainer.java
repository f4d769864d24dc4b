package dev.gozo.worker.sandbox;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.Closeable;
import java.util.concurrent.CompletableFuture;

/**
 * One started, attached container whose launcher is waiting for a job on stdin. Output that
 * arrives is handed to the capture of the job that owns the container.
 */
final class SandboxContainer {

  private final String id;
  private final String poolKey;
  private volatile ContainerLimits limits;
  private final StdinFeed stdin;
  private final CompletableFuture<Void> streamClosed;
  private final long createdAtNanos = System.nanoTime();
  private volatile OutputCapture capture;
  private volatile ResourceMeter meter = ResourceMeter.NONE;
  private volatile Closeable attachment;
  private final java.util.concurrent.atomic.AtomicInteger jobsServed =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile long idleSinceNanos = System.nanoTime();

  SandboxContainer(String id, String poolKey, ContainerLimits limits, StdinFeed stdin) {
    this.id = id;
    this.poolKey = poolKey;
    this.limits = limits;
    this.stdin = stdin;
    this.streamClosed = new CompletableFuture<>();
  }

  String id() {
    return id;
  }

  String poolKey() {
    return poolKey;
  }

  ContainerLimits limits() {
    return limits;
  }

  void limits(ContainerLimits limits) {
    this.limits = limits;
  }

  long ageNanos() {
    return System.nanoTime() - createdAtNanos;
  }

  /** Jobs this container ran to their end (more than one only in recycling mode). */
  int jobsServed() {
    return jobsServed.get();
  }

  /** Counts a job that ended. */
  void jobEnded() {
    jobsServed.incrementAndGet();
  }

  void markIdle() {
    idleSinceNanos = System.nanoTime();
  }

  long idleNanos() {
    return System.nanoTime() - idleSinceNanos;
  }

  ResourceMeter meter() {
    return meter;
  }

  void meter(ResourceMeter meter) {
    this.meter = meter;
  }

  void attachment(Closeable attachment) {
    this.attachment = attachment;
  }

  /** Completes when the container's output streams end, i.e. when it has exited. */
  CompletableFuture<Void> streamClosed() {
    return streamClosed;
  }

  boolean alive() {
    return !streamClosed.isDone();
  }

  void captureInto(OutputCapture capture) {
    this.capture = capture;
  }

  void send(byte[] data) {
    stdin.send(data);
  }

  void detach() {
    stdin.close();
    meter.close();
    Closeable current = attachment;
    if (current != null) {
      try {
        current.close();
      } catch (Exception ignored) {
        // the stream is going away with the container anyway
      }
    }
  }

  /** The docker-java callback of this container's attach stream. */
  ResultCallback.Adapter<Frame> frames() {
    return new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        OutputCapture target = capture;
        if (target == null || frame.getPayload() == null) {
          return; // nothing runs before a job is sent; stray bytes are the launcher's noise
        }
        switch (frame.getStreamType()) {
          case STDOUT, RAW -> target.onStdout(frame.getPayload());
          case STDERR -> target.onStderr(frame.getPayload());
          default -> {}
        }
      }

      @Override
      public void onError(Throwable throwable) {
        streamClosed.complete(null);
      }

      @Override
      public void onComplete() {
        streamClosed.complete(null);
      }
    };
  }
}
