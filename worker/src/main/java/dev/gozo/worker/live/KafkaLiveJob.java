package dev.gozo.worker.live;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.JobInput;
import dev.gozo.protocol.v1.JobOutput;
import dev.gozo.protocol.v1.OutputChunk;
import dev.gozo.protocol.v1.OutputStream;
import dev.gozo.protocol.v1.StageStarted;
import dev.gozo.worker.sandbox.LiveSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a job, live over Kafka. Output is published as JobOutput records numbered 1, 2,
 * ... : at once when the job's last record went out at least {@link #MIN_INTERVAL} ago, otherwise
 * gathered until then (a flood becomes a few large chunks, not a record per write). Input records
 * the {@link InputRouter} hands over are applied once each, in order, from the moment the program
 * runs; earlier ones wait.
 *
 * <p>Streaming never fails a job: a record that cannot be sent stops this job's stream (the result
 * still carries the output), and after {@link #MAX_RECORDS} records the stream stops as well.
 */
final class KafkaLiveJob implements LiveJobs.LiveJob {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaLiveJob.class);

  /** The least time between two publishes of one job's output. */
  static final Duration MIN_INTERVAL = Duration.ofMillis(5);

  /**
   * Records one attempt may publish: output limits bound the bytes, this bounds the count (a
   * program alternating one-byte writes to stdout and stderr would otherwise make one per byte).
   */
  static final long MAX_RECORDS = 20_000;

  /** Where records go: the job id is the key. */
  interface Sender {
    Future<?> send(String jobId, byte[] record);
  }

  private final String jobId;
  private final String tenant;
  private final int attempt;
  private final boolean interactive;
  private final Duration idleTimeout;
  private final Sender sender;
  private final ScheduledExecutorService timer;
  private final Runnable onClose;

  private final OutputChunker chunker = new OutputChunker();
  private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
  private volatile long lastActivityNanos = System.nanoTime();
  private long seq;
  private long lastPublishNanos = System.nanoTime() - MIN_INTERVAL.toNanos();
  private boolean flushScheduled;
  private boolean streaming = true;
  private Future<?> lastSent = CompletableFuture.completedFuture(null);

  private final List<JobInput> waitingInput = new ArrayList<>();
  private Controls controls;
  private long appliedSeq;

  KafkaLiveJob(
      String jobId,
      String tenant,
      int attempt,
      boolean interactive,
      Duration idleTimeout,
      Sender sender,
      ScheduledExecutorService timer,
      Runnable onClose) {
    this.jobId = jobId;
    this.tenant = tenant;
    this.attempt = attempt;
    this.interactive = interactive;
    this.idleTimeout = idleTimeout;
    this.sender = sender;
    this.timer = timer;
    this.onClose = onClose;
  }

  String jobId() {
    return jobId;
  }

  String tenant() {
    return tenant;
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
  public synchronized void stageStarted(LiveSession.Stage stage) {
    publish(chunker.drainAll()); // what the previous step wrote comes before the new step
    send(
        record()
            .setStage(
                StageStarted.newBuilder()
                    .setStage(
                        stage == LiveSession.Stage.COMPILE
                            ? dev.gozo.protocol.v1.Stage.STAGE_COMPILE
                            : dev.gozo.protocol.v1.Stage.STAGE_RUN)));
  }

  @Override
  public synchronized void testFinished(dev.gozo.protocol.v1.TestResult result) {
    publish(chunker.drainAll());
    send(record().setTest(result));
  }

  @Override
  public synchronized void output(LiveSession.Stream stream, byte[] data, int offset, int length) {
    lastActivityNanos = System.nanoTime();
    if (!streaming) {
      return;
    }
    chunker.add(stream, data, offset, length);
    long since = System.nanoTime() - lastPublishNanos;
    if (since >= MIN_INTERVAL.toNanos()) {
      publish(chunker.drain());
    } else if (!flushScheduled) {
      flushScheduled = true;
      timer.schedule(this::scheduledFlush, MIN_INTERVAL.toNanos() - since, TimeUnit.NANOSECONDS);
    }
  }

  private synchronized void scheduledFlush() {
    flushScheduled = false;
    if (streaming) {
      publish(chunker.drain());
    }
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
  public synchronized void connect(Controls controls) {
    this.controls = controls;
    for (JobInput input : waitingInput) {
      apply(input);
    }
    waitingInput.clear();
  }

  /** An input record for this job, from the router's thread. */
  synchronized void deliver(JobInput input) {
    if (!input.getTenant().equals(tenant)) {
      LOG.warn("job {}: ignoring input of another tenant", jobId);
      return;
    }
    if (input.hasCancel()) {
      cancelled.complete(null);
      return;
    }
    if (!interactive) {
      return; // stdin and signals only reach interactive runs
    }
    if (input.getSeq() > 0) {
      if (input.getSeq() <= appliedSeq) {
        return; // seen already (read twice around a restart of the router)
      }
      appliedSeq = input.getSeq();
    }
    lastActivityNanos = System.nanoTime();
    if (controls == null) {
      waitingInput.add(input);
    } else {
      apply(input);
    }
  }

  private void apply(JobInput input) {
    switch (input.getKindCase()) {
      case STDIN -> controls.stdin(input.getStdin().toByteArray());
      case EOF -> controls.endOfInput();
      case SIGNAL -> {
        String name = input.getSignal().getName();
        String bare = name.startsWith("SIG") ? name.substring(3) : name;
        if (Controls.SIGNALS.contains(bare)) {
          controls.signal(bare);
        } else {
          LOG.warn("job {}: ignoring signal {}", jobId, name);
        }
      }
      default -> {}
    }
  }

  @Override
  public long finish(Duration timeout) {
    Future<?> last;
    long records;
    synchronized (this) {
      if (streaming) {
        publish(chunker.drainAll());
      }
      last = lastSent;
      records = seq;
    }
    try {
      last.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("job {}: its last output records may be missing: {}", jobId, e.toString());
    }
    return records;
  }

  @Override
  public void close() {
    onClose.run();
  }

  private void publish(List<OutputChunker.Chunk> chunks) {
    for (OutputChunker.Chunk chunk : chunks) {
      send(
          record()
              .setChunk(
                  OutputChunk.newBuilder()
                      .setStream(
                          chunk.stream() == LiveSession.Stream.STDOUT
                              ? OutputStream.STDOUT
                              : OutputStream.STDERR)
                      .setData(ByteString.copyFrom(chunk.data()))));
    }
    if (!chunks.isEmpty()) {
      lastPublishNanos = System.nanoTime();
    }
  }

  private JobOutput.Builder record() {
    return JobOutput.newBuilder()
        .setJobId(jobId)
        .setTenant(tenant)
        .setDeliveryAttempt(attempt)
        .setAtMs(System.currentTimeMillis());
  }

  private void send(JobOutput.Builder record) {
    if (!streaming) {
      return;
    }
    if (seq >= MAX_RECORDS) {
      streaming = false;
      LOG.warn("job {}: {} output records published; its stream stops here", jobId, seq);
      return;
    }
    long next = seq + 1;
    try {
      lastSent = sender.send(jobId, record.setSeq(next).build().toByteArray());
      seq = next;
    } catch (RuntimeException e) {
      streaming = false;
      LOG.warn("job {}: its output stream stops: {}", jobId, e.toString());
    }
  }
}
