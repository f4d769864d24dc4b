package dev.gozo.gateway.live;

import dev.gozo.gateway.jobs.JobState;
import dev.gozo.protocol.v1.JobOutput;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client following one job. What the feed offers (states, records) goes into a queue bounded in
 * bytes, never blocking the offering thread; a drain on the shared live executor feeds the queue
 * through a {@link StreamSequencer} into the {@link LiveSink} as fast as the sink's client reads. A
 * client that falls more than {@code maxBytes} of output behind is ended (it resumes with
 * Last-Event-ID), so one slow reader costs neither the feed nor other readers anything.
 *
 * <p>While the job's stream is read back from Kafka the subscription holds what the feed offers and
 * queues it after the replayed records ({@link #releaseAfter}); the sequencer drops what both
 * delivered.
 */
public final class LiveSubscription implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveSubscription.class);

  /** Marks a due heartbeat or a due result in the queue. */
  private static final Object TICK = new Object();

  private final LiveHub hub;
  private final String jobId;
  private final StreamSequencer sequencer;
  private final LiveSink sink;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final long maxBytes;
  private final long heartbeatMs;
  private final AtomicInteger drains = new AtomicInteger();

  // Guarded by this.
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private ArrayDeque<Object> held;
  private long queuedBytes;
  private boolean overflowed;
  private boolean closed;
  private boolean started;
  private long lastSentNanos = System.nanoTime();
  private ScheduledFuture<?> heartbeats;
  private ScheduledFuture<?> resultTimer;

  // Only touched by the drain.
  private final ArrayDeque<LiveEvent> ready = new ArrayDeque<>();
  private boolean ended;

  LiveSubscription(
      LiveHub hub,
      String jobId,
      StreamSequencer sequencer,
      LiveSink sink,
      Executor executor,
      ScheduledExecutorService scheduler,
      long maxBytes,
      long heartbeatMs) {
    this.hub = hub;
    this.jobId = jobId;
    this.sequencer = sequencer;
    this.sink = sink;
    this.executor = executor;
    this.scheduler = scheduler;
    this.maxBytes = maxBytes;
    this.heartbeatMs = heartbeatMs;
  }

  public String jobId() {
    return jobId;
  }

  /** Begins delivering to the sink (call once its client is there) and sending heartbeats. */
  public void start() {
    synchronized (this) {
      if (started || closed) {
        return;
      }
      started = true;
      heartbeats =
          scheduler.scheduleAtFixedRate(
              this::heartbeatIfIdle, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
    }
    drainSoon();
  }

  /** Schedules a drain, e.g. because the sink's client asked for more. */
  public void drainSoon() {
    if (drains.getAndIncrement() == 0) {
      executor.execute(this::drain);
    }
  }

  /** Stops the subscription: the client went away, or the stream ended. Safe to call twice. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
      held = null;
      if (heartbeats != null) {
        heartbeats.cancel(false);
      }
      if (resultTimer != null) {
        resultTimer.cancel(false);
      }
    }
    hub.remove(this);
  }

  synchronized void hold() {
    held = new ArrayDeque<>();
  }

  /** Queues the records read back from Kafka, then what was held meanwhile. */
  void releaseAfter(List<JobOutput> replayed) {
    synchronized (this) {
      if (closed || held == null) {
        return;
      }
      queue.addAll(replayed); // finite and read on purpose: not counted against the bound
      queue.addAll(held);
      held = null;
    }
    drainSoon();
  }

  void offerState(JobState state) {
    offer(state, 0);
  }

  void offerRecord(JobOutput record) {
    offer(record, record.getSerializedSize());
  }

  /** Records that precede everything live (the snapshot); not counted against the bound. */
  synchronized void offerSnapshot(List<JobOutput> records) {
    queue.addAll(records);
  }

  private void offer(Object item, long bytes) {
    synchronized (this) {
      if (closed || overflowed) {
        return;
      }
      if (held != null) {
        held.add(item);
        return;
      }
      if (queuedBytes + bytes > maxBytes) {
        overflowed = true;
        queue.clear();
        queuedBytes = 0;
      } else {
        queue.add(item);
        queuedBytes += bytes;
      }
    }
    drainSoon();
  }

  private void heartbeatIfIdle() {
    synchronized (this) {
      if (closed
          || System.nanoTime() - lastSentNanos < TimeUnit.MILLISECONDS.toNanos(heartbeatMs)) {
        return;
      }
      queue.add(TICK);
    }
    drainSoon();
  }

  private void drain() {
    try {
      do {
        drainOnce();
      } while (drains.decrementAndGet() != 0);
    } catch (RuntimeException e) {
      LOG.warn("live stream of job {} failed", jobId, e);
      drains.set(0);
      endWith(false);
    }
  }

  private void drainOnce() {
    while (!ended) {
      if (!ready.isEmpty()) {
        if (!sink.ready()) {
          return; // resumed by the sink when its client asks for more
        }
        sink.send(ready.poll());
        synchronized (this) {
          lastSentNanos = System.nanoTime();
        }
        continue;
      }
      if (sequencer.isDone()) {
        endWith(true);
        return;
      }
      Object item;
      boolean tick = false;
      synchronized (this) {
        if (closed || !started) {
          return;
        }
        if (overflowed) {
          item = null;
        } else {
          item = queue.poll();
          if (item instanceof JobOutput record) {
            queuedBytes -= record.getSerializedSize();
          }
        }
      }
      if (item == null) {
        if (overflowed()) {
          LOG.info("live stream of job {}: subscriber fell behind; ending its stream", jobId);
          endWith(false);
          return;
        }
        scheduleResultTimer();
        return;
      }
      long now = System.currentTimeMillis();
      if (item == TICK) {
        tick = true;
        ready.addAll(sequencer.onTick(now));
      } else if (item instanceof JobOutput record) {
        ready.addAll(sequencer.onRecord(record, now));
      } else {
        ready.addAll(sequencer.onState((JobState) item, now));
      }
      if (sequencer.resultWasEarly() && sequencer.isDone()) {
        LOG.warn(
            "job {}: result sent after {} ms without all the output records its worker counted",
            jobId,
            StreamSequencer.RESULT_GRACE_MS);
      }
      if (tick && ready.isEmpty() && !sequencer.isDone() && sink.ready()) {
        sink.heartbeat();
        synchronized (this) {
          lastSentNanos = System.nanoTime();
        }
      }
    }
  }

  private synchronized boolean overflowed() {
    return overflowed;
  }

  /** A result waiting for missing records is let out when its grace ends. */
  private void scheduleResultTimer() {
    long due = sequencer.resultDueAtMs();
    if (due < 0) {
      return;
    }
    synchronized (this) {
      if (closed || resultTimer != null && !resultTimer.isDone()) {
        return;
      }
      long delay = Math.max(1, due - System.currentTimeMillis());
      resultTimer =
          scheduler.schedule(
              () -> {
                synchronized (this) {
                  queue.add(TICK);
                }
                drainSoon();
              },
              delay,
              TimeUnit.MILLISECONDS);
    }
  }

  private void endWith(boolean complete) {
    if (ended) {
      return;
    }
    ended = true;
    close();
    sink.end(complete);
  }
}
