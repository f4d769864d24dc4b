package dev.gozo.worker.sandbox.container;

import dev.gozo.worker.engine.ContainerEngine;
import java.util.concurrent.CompletableFuture;

/**
 * One started, attached container whose launcher is waiting for a job on stdin. Output that arrives
 * is handed to the capture of the job that owns the container.
 */
public final class SandboxContainer {

  /** Where the output of the job that owns the container goes (its capture). */
  public interface Capture {

    void onStdout(byte[] data);

    void onStderr(byte[] data);
  }

  private final String id;
  private final String poolKey;
  private volatile ContainerLimits limits;
  private final StdinFeed stdin;
  private final CompletableFuture<Void> streamClosed;
  private final long createdAtNanos = System.nanoTime();
  private volatile Capture capture;
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

  public String id() {
    return id;
  }

  public String poolKey() {
    return poolKey;
  }

  public ContainerLimits limits() {
    return limits;
  }

  public void limits(ContainerLimits limits) {
    this.limits = limits;
  }

  public long ageNanos() {
    return System.nanoTime() - createdAtNanos;
  }

  /** Jobs this container ran to their end (more than one only in recycling mode). */
  public int jobsServed() {
    return jobsServed.get();
  }

  /** Counts a job that ended. */
  public void jobEnded() {
    jobsServed.incrementAndGet();
  }

  public void markIdle() {
    idleSinceNanos = System.nanoTime();
  }

  public long idleNanos() {
    return System.nanoTime() - idleSinceNanos;
  }

  public ResourceMeter meter() {
    return meter;
  }

  void meter(ResourceMeter meter) {
    this.meter = meter;
  }

  void attachment(ContainerEngine.Attachment attachment) {
    this.attachment = attachment;
  }

  /** Completes when the container's output streams end, i.e. when it has exited. */
  public CompletableFuture<Void> streamClosed() {
    return streamClosed;
  }

  public boolean alive() {
    return !streamClosed.isDone();
  }

  public void captureInto(Capture capture) {
    this.capture = capture;
  }

  public void send(byte[] data) {
    stdin.send(data);
  }

  /** Bytes sent to the container's stdin that it has not read yet. */
  public long unreadStdinBytes() {
    return stdin.pendingBytes();
  }

  public void detach() {
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
        Capture target = capture;
        if (target != null) {
          target.onStdout(bytes);
        }
        // else: nothing runs before a job is sent; stray bytes are the launcher's noise
      }

      @Override
      public void stderr(byte[] bytes) {
        Capture target = capture;
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
