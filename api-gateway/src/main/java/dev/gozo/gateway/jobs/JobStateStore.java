package dev.gozo.gateway.jobs;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.protocol.v1.JobCompleted;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's memory of jobs: what was submitted here, and every event and result read from Kafka
 * (every gateway reads all of them, so any gateway answers for any job).
 *
 * <p><b>Bounds.</b> At most {@code storeMaxEntries} jobs and about {@code storeMaxBytes} bytes of
 * results are kept; beyond either bound the least recently used job (read or written) is dropped. A
 * dropped job answers 404 here although its result is still on the compacted results topic: the
 * store is a cache of recent jobs, not an archive.
 *
 * <p><b>Concurrency.</b> One lock guards the map and the waiters; every operation under it is a few
 * map updates. Waiters ({@code ?wait=true}) are futures completed when the job's final result is
 * recorded, so a waiting request holds no thread and nothing polls. All waiters of one job share
 * one future. Their number is bounded by {@code maxWaiters}: beyond it a request gets the current
 * state at once instead of waiting (backpressure, not an unbounded queue).
 *
 * <p><b>Order.</b> Changes go through {@link JobLifecycle}; the first final result wins and later
 * ones are ignored. A job's tenant is fixed by the first thing recorded about it.
 */
@Singleton
public final class JobStateStore {

  private static final Logger LOG = LoggerFactory.getLogger(JobStateStore.class);

  private final int maxEntries;
  private final long maxBytes;
  private final int maxWaiters;
  private final LinkedHashMap<String, JobState> jobs = new LinkedHashMap<>(1024, 0.75f, true);
  private final Map<String, Waiters> waiters = new HashMap<>();
  private final Map<String, Integer> queuedByTenant = new HashMap<>();
  private final List<Consumer<JobState>> listeners = new CopyOnWriteArrayList<>();
  private long bytes;
  private int waiting;
  private volatile boolean replayed;

  /** The shared future of one job's waiters and how many requests wait on it. */
  private static final class Waiters {
    final CompletableFuture<JobState> finished = new CompletableFuture<>();
    int count;
  }

  public JobStateStore(GatewayConfig config) {
    this(config.storeMaxEntries(), config.storeMaxBytes(), config.maxWaiters());
  }

  public JobStateStore(int maxEntries, long maxBytes, int maxWaiters) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.maxWaiters = maxWaiters;
  }

  /** A job accepted by this gateway. */
  public void recordSubmitted(
      String jobId, String tenant, String language, String version, long submittedAtMs) {
    apply(JobState.queued(jobId, tenant, language, version, submittedAtMs));
  }

  /** A queued event (from any gateway). */
  public void recordQueued(
      String jobId, String tenant, String language, String version, long atMs) {
    apply(JobState.queued(jobId, tenant, language, version, atMs));
  }

  /** A worker took the job (delivery attempt unknown). */
  public void recordStarted(String jobId, String tenant, String workerId, long atMs) {
    recordStarted(jobId, tenant, workerId, 0, atMs);
  }

  /** A worker took the job in delivery attempt {@code attempt}. */
  public void recordStarted(String jobId, String tenant, String workerId, int attempt, long atMs) {
    apply(JobState.running(jobId, tenant, workerId, attempt, atMs));
  }

  /**
   * Calls {@code listener} with every state the store records, after it is recorded, on the thread
   * that recorded it (the progress consumer's, or a request's): it must be quick and never block.
   * States of one job may reach it out of order when two threads record at once.
   */
  public void onChange(Consumer<JobState> listener) {
    listeners.add(listener);
  }

  /** A final result. Ignored when the job already has one. */
  public void recordCompleted(JobCompleted result) {
    apply(JobState.finished(result));
  }

  /** Whether anything is recorded about the job (without counting as a use). */
  public synchronized boolean knows(String jobId) {
    return jobs.containsKey(jobId);
  }

  /** The job, if it is known and owned by {@code tenant}; another tenant's job is not found. */
  public Optional<JobState> find(String jobId, String tenant) {
    synchronized (this) {
      JobState state = jobs.get(jobId);
      return state != null && state.tenant().equals(tenant) ? Optional.of(state) : Optional.empty();
    }
  }

  /**
   * Completes with the job's state once it is finished, or with its state at that moment when
   * {@code timeout} passes first (or at once when too many requests are already waiting). Completes
   * with empty when the job is unknown to {@code tenant} by then.
   */
  public CompletableFuture<Optional<JobState>> awaitFinished(
      String jobId, String tenant, Duration timeout) {
    Waiters shared;
    synchronized (this) {
      JobState state = jobs.get(jobId);
      if (state != null && state.isFinished() || waiting >= maxWaiters) {
        return CompletableFuture.completedFuture(find(jobId, tenant));
      }
      shared = waiters.computeIfAbsent(jobId, id -> new Waiters());
      shared.count++;
      waiting++;
    }
    Waiters mine = shared;
    return shared
        .finished
        .copy()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (state, error) -> {
              release(jobId, mine);
              if (error != null && !(error instanceof TimeoutException)) {
                LOG.warn("waiting for job {} failed", jobId, error);
              }
              return find(jobId, tenant);
            });
  }

  /** True once the results topic has been read up to where it ended at start-up. */
  public boolean isReplayed() {
    return replayed;
  }

  public void markReplayed() {
    if (!replayed) {
      LOG.info("results replayed: {} jobs known", size());
    }
    replayed = true;
  }

  public synchronized int size() {
    return jobs.size();
  }

  public synchronized int waitingRequests() {
    return waiting;
  }

  private void apply(JobState incoming) {
    if (incoming.jobId() == null || incoming.jobId().isEmpty()) {
      return; // not a job anyone can ask about
    }
    Waiters toComplete = null;
    JobState stored;
    synchronized (this) {
      JobState current = jobs.get(incoming.jobId());
      if (current == null) {
        stored = incoming;
      } else if (!current.tenant().equals(incoming.tenant()) && !incoming.tenant().isEmpty()) {
        LOG.warn(
            "ignoring {} of job {}: tenant '{}' differs from '{}'",
            incoming.phase(),
            incoming.jobId(),
            incoming.tenant(),
            current.tenant());
        return;
      } else if (JobLifecycle.allows(current.phase(), incoming.phase())) {
        stored = current.advancedTo(incoming);
      } else if (!current.isFinished()) {
        stored = current.completedWith(incoming);
      } else {
        return;
      }
      put(stored);
      if (stored.isFinished()) {
        toComplete = waiters.remove(stored.jobId());
      }
    }
    if (toComplete != null) {
      // Outside the lock: the waiting requests' continuations run on this thread and read
      // the store themselves.
      toComplete.finished.complete(stored);
    }
    for (Consumer<JobState> listener : listeners) {
      try {
        listener.accept(stored);
      } catch (RuntimeException e) {
        LOG.warn("a job state listener failed on job {}", stored.jobId(), e);
      }
    }
  }

  /** How many jobs (all tenants) are known to wait in the queue, not yet started. */
  public synchronized int queued() {
    return queuedByTenant.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** How many of the tenant's jobs are known to wait in the queue, not yet started. */
  public synchronized int queuedFor(String tenant) {
    return queuedByTenant.getOrDefault(tenant, 0);
  }

  private void countQueued(JobState state, int delta) {
    if (state != null && state.phase() == JobPhase.QUEUED) {
      queuedByTenant.merge(state.tenant(), delta, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  private void put(JobState state) {
    JobState previous = jobs.put(state.jobId(), state);
    countQueued(previous, -1);
    countQueued(state, +1);
    bytes += state.weight() - (previous == null ? 0 : previous.weight());
    Iterator<JobState> eldest = jobs.values().iterator();
    while ((jobs.size() > maxEntries || bytes > maxBytes) && eldest.hasNext()) {
      JobState evicted = eldest.next();
      if (evicted == state) {
        break; // never evict what was just stored, even if it alone exceeds the byte bound
      }
      eldest.remove();
      countQueued(evicted, -1);
      bytes -= evicted.weight();
    }
  }

  private synchronized void release(String jobId, Waiters mine) {
    waiting--;
    if (--mine.count == 0 && waiters.get(jobId) == mine) {
      waiters.remove(jobId);
    }
  }
}
