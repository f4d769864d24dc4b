package dev.gozo.gateway.live;

import dev.gozo.gateway.DaemonThreads;
import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.jobs.JobIds;
import dev.gozo.gateway.jobs.JobPhase;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.protocol.v1.JobOutput;
import dev.gozo.topics.ResultTopicScan;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Fans each job's live stream out to the clients following it (SSE and WebSocket), from two feeds:
 * the job's states ({@link JobStateStore#onChange}) and its output records ({@link
 * KafkaOutputConsumer}). Keeps recent streams in memory ({@link RecentStreams}) and reads a stream
 * back from Kafka ({@link StreamReplay}) for a client that joins a job whose stream memory does not
 * hold whole.
 *
 * <p><b>Concurrency.</b> One lock guards the subscribers and the recent streams; under it the feeds
 * only append to memory and offer to each subscriber's bounded queue, which never blocks. Each
 * subscriber's events are written by a drain on a small shared pool ({@value #DRAIN_THREADS}
 * threads), as fast as its own client reads: a slow client slows nobody else, and one that falls
 * too far behind is ended and resumes with Last-Event-ID. Registering a subscriber and taking the
 * snapshot happen under the same lock as appending, so nothing falls between snapshot and live.
 */
@Singleton
public final class LiveHub {

  /** Threads that write events to clients: the work is encoding a few small JSON strings. */
  static final int DRAIN_THREADS = 2;

  /**
   * How far the clock of the gateway that stamped a job's submission may be behind ours: a job
   * submitted less than this after the live feed began reading may have records it did not see.
   */
  private static final long CLOCK_SKEW_MS = ResultTopicScan.CLOCK_SKEW.toMillis();

  private final JobStateStore store;
  private final RecentStreams streams;
  private final Map<String, List<LiveSubscription>> subscribers = new HashMap<>();
  private final StreamReplay replay;
  private final long subscriberMaxBytes;
  private final long heartbeatMs;
  private final ExecutorService drains =
      Executors.newFixedThreadPool(DRAIN_THREADS, DaemonThreads.named("gozo-live"));
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("gozo-live-timers"));
  private volatile long liveSinceMs = Long.MAX_VALUE;

  public LiveHub(JobStateStore store, StreamReplay replay, GatewayConfig config) {
    this.store = store;
    this.streams = new RecentStreams(config.liveMaxBytes(), config.liveJobMaxBytes());
    this.replay = replay;
    this.subscriberMaxBytes = config.liveSubscriberMaxBytes();
    this.heartbeatMs = config.sseHeartbeatMs();
    store.onChange(this::onState);
  }

  /**
   * The live feed reads every record published from now on (called once its positions are fixed):
   * jobs submitted after this have their whole stream pass through here.
   */
  public void liveSince(long epochMs) {
    liveSinceMs = epochMs;
  }

  /** An output record from the live feed. */
  public void onRecord(String jobId, JobOutput record) {
    synchronized (this) {
      streams.add(jobId, record);
      for (LiveSubscription subscription : subscribers.getOrDefault(jobId, List.of())) {
        subscription.offerRecord(record);
      }
    }
  }

  private void onState(JobState state) {
    synchronized (this) {
      if (state.phase() == JobPhase.QUEUED
          && state.submittedAtMs() > liveSinceMs + CLOCK_SKEW_MS
          && liveSinceMs != Long.MAX_VALUE) {
        streams.expect(state.jobId());
      }
      for (LiveSubscription subscription : subscribers.getOrDefault(state.jobId(), List.of())) {
        subscription.offerState(state);
      }
    }
  }

  /**
   * Follows {@code state}'s job from after {@code resumeAfter} (null: from the start). Completes
   * once the stream up to now is in the subscription (at once when memory holds it, else after
   * reading it back from Kafka); then {@link LiveSubscription#start()} begins delivery to {@code
   * sink}. Fails when the read-back failed or too many wait (the caller answers 503).
   */
  public CompletableFuture<LiveSubscription> subscribe(
      JobState state, EventId resumeAfter, LiveSink sink) {
    String jobId = state.jobId();
    LiveSubscription subscription =
        new LiveSubscription(
            this,
            jobId,
            new StreamSequencer(jobId, state.tenant(), resumeAfter),
            sink,
            drains,
            timers,
            subscriberMaxBytes,
            heartbeatMs);
    synchronized (this) {
      subscribers.computeIfAbsent(jobId, id -> new ArrayList<>()).add(subscription);
      // The newest state: one recorded since the caller looked would otherwise never reach us.
      JobState latest = store.find(jobId, state.tenant()).orElse(state);
      Optional<List<JobOutput>> snapshot = streams.snapshot(jobId);
      if (snapshot.isPresent()) {
        subscription.offerSnapshot(snapshot.get());
        subscription.offerState(latest);
        return CompletableFuture.completedFuture(subscription);
      }
      subscription.hold();
      subscription.offerState(latest);
    }
    EventId until = lastRecord(state);
    CompletableFuture<List<JobOutput>> read;
    try {
      read = replay.read(jobId, replayFrom(state), until);
    } catch (RuntimeException e) {
      subscription.close();
      return CompletableFuture.failedFuture(e);
    }
    return read.handle(
        (records, error) -> {
          if (error != null) {
            subscription.close();
            throw new IllegalStateException(
                "reading the output of job " + jobId + " back failed", error);
          }
          if (until != null) {
            synchronized (this) {
              streams.keepReplayed(jobId, records);
            }
          }
          subscription.releaseAfter(records);
          return subscription;
        });
  }

  synchronized void remove(LiveSubscription subscription) {
    List<LiveSubscription> list = subscribers.get(subscription.jobId());
    if (list != null && list.remove(subscription) && list.isEmpty()) {
      subscribers.remove(subscription.jobId());
    }
  }

  /** How many clients follow jobs now. */
  public synchronized int subscriberCount() {
    return subscribers.values().stream().mapToInt(List::size).sum();
  }

  /** The last record a finished job has, null while it may have more. */
  private static EventId lastRecord(JobState state) {
    if (!state.isFinished()) {
      return null;
    }
    return new EventId(
        Math.max(1, state.result().getDeliveryAttempt()), state.result().getOutputRecords());
  }

  /** Where a job's records may begin: its submission (or its id's time), less the clock skew. */
  private static long replayFrom(JobState state) {
    long submitted =
        state.submittedAtMs() > 0
            ? state.submittedAtMs()
            : JobIds.createdAtMs(state.jobId()).orElse(CLOCK_SKEW_MS);
    return Math.max(0, submitted - CLOCK_SKEW_MS);
  }

  @PreDestroy
  void close() {
    timers.shutdownNow();
    drains.shutdownNow();
  }
}
