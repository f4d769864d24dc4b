package dev.gozo.worker.sandbox;

import dev.gozo.worker.engine.ContainerEngine;
import java.util.concurrent.CompletableFuture;

/**
 * One started, attached container whose launcher is waiting for a job on stdin. Output that arrives
 * is handed to the capture of the job that owns the container.
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
  private volatile ContainerEngine.Attachment attachment;
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

  void attachment(ContainerEngine.Attachment attachment) {
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
    ContainerEngine.Attachment current = attachment;
    if (current != null) {
      current.close();
    }
  }

  /** Where the engine delivers this container's output: to the capture of the job it runs. */
  ContainerEngine.OutputSink output() {
    return new ContainerEngine.OutputSink() {
      @Override
      public void stdout(byte[] bytes) {
        OutputCapture target = capture;
        if (target != null) {
          target.onStdout(bytes);
        }
        // else: nothing runs before a job is sent; stray bytes are the launcher's noise
      }

      @Override
      public void stderr(byte[] bytes) {
        OutputCapture target = capture;
        if (target != null) {
          target.onStderr(bytes);
        }
      }

      @Override
      public void closed() {
        streamClosed.complete(null);
      }
    };
  }
}
