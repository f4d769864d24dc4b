package dev.gozo.gateway.intake;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.jobs.JobIds;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.gateway.webhooks.CallbackPolicy;
import dev.gozo.gateway.webhooks.CallbackRegistrar;
import dev.gozo.gateway.webhooks.CallbackRequest;
import dev.gozo.jobspec.JobValidator;
import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.jobspec.Violation;
import dev.gozo.protocol.v1.CallbackRegistration;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobEvent;
import dev.gozo.protocol.v1.JobQueued;
import dev.gozo.protocol.v1.Runtime;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a read request into a published job: adds id, tenant and time, validates with the shared
 * {@link JobValidator}, publishes, and records the job as QUEUED once Kafka has it.
 *
 * <p>Publishing is guarded by a circuit breaker: once most recent publishes failed (Kafka down),
 * requests are refused at once with 503 for {@value #OPEN_SECONDS} s instead of each spending the
 * producer's timeout; then one request probes Kafka again. A job too large for Kafka is the
 * request's fault, not Kafka's, and does not count against the breaker.
 */
@Singleton
public final class Intake {

  private static final Logger LOG = LoggerFactory.getLogger(Intake.class);
  static final int OPEN_SECONDS = 5;

  /** The breaker judges the last this many publishes: enough to tell an outage from a blip. */
  private static final int BREAKER_WINDOW_CALLS = 10;

  /** Fewer publishes than this say nothing yet; one failure at start-up must not open it. */
  private static final int BREAKER_MIN_CALLS = 3;

  /** "Most recent publishes failed": the share of the window, in percent, that opens it. */
  private static final float BREAKER_FAILURE_RATE_PERCENT = 50;

  /**
   * Added to the producer's own timeout before a send is given up here. The producer's timeouts end
   * every send; this only guards against one that never ends, so it must not race them.
   */
  private static final long SEND_GUARD_MS = 1000;

  /** Retry-After for a tenant over its queue bound: its own jobs must run before it has room. */
  private static final long THROTTLED_RETRY_AFTER_SECONDS = 5;

  /**
   * Retry-After for one failed publish; longer refusals are the breaker's ({@link #OPEN_SECONDS}).
   */
  private static final long PUBLISH_FAILED_RETRY_AFTER_SECONDS = 1;

  private final CallbackPolicy callbacks;
  private final CallbackRegistrar registrar;
  private final JobValidator validator;
  private final RuntimeCatalogue catalogue;
  private final JobPublisher publisher;
  private final JobStateStore store;
  private final CircuitBreaker breaker;
  private final long timeoutMs;
  private final int maxQueuedPerTenant;

  public Intake(
      JobValidator validator,
      RuntimeCatalogue catalogue,
      JobPublisher publisher,
      JobStateStore store,
      GatewayConfig config,
      CallbackPolicy callbacks,
      CallbackRegistrar registrar) {
    this.callbacks = callbacks;
    this.registrar = registrar;
    this.validator = validator;
    this.catalogue = catalogue;
    this.publisher = publisher;
    this.store = store;
    this.timeoutMs = config.kafkaTimeoutMs();
    this.maxQueuedPerTenant = config.maxQueuedPerTenant();
    this.breaker =
        CircuitBreaker.of(
            "kafka-publish",
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(BREAKER_WINDOW_CALLS)
                .minimumNumberOfCalls(BREAKER_MIN_CALLS)
                .failureRateThreshold(BREAKER_FAILURE_RATE_PERCENT)
                .waitDurationInOpenState(Duration.ofSeconds(OPEN_SECONDS))
                .permittedNumberOfCallsInHalfOpenState(1)
                .ignoreExceptions(RecordTooLargeException.class)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> LOG.warn("Kafka publish circuit: {}", event.getStateTransition()));
  }

  /**
   * Submits the job read from a request. {@code readProblems} are the reader's findings; they are
   * reported together with the validator's so a client sees every problem at once.
   *
   * <p>With the client's Idempotency-Key (else null), a retried request with the same key gets the
   * job the first one created, from any gateway, instead of a second job. The key identifies the
   * job; a different body under the same key still answers with the original job. An {@code urgent}
   * job has a client waiting for its result and is published without batching delay.
   */
  public CompletableFuture<Submission> submit(
      String tenant,
      ExecuteJob.Builder request,
      List<Violation> readProblems,
      String idempotencyKey,
      boolean urgent) {
    return submit(tenant, request, readProblems, null, idempotencyKey, urgent);
  }

  /**
   * As {@link #submit(String, ExecuteJob.Builder, List, String, boolean)}, with the request's
   * webhook (null: none). The callback is checked against the allow-list, and registered durably on
   * the callbacks topic before the job is published, so the job's result always finds it.
   */
  public CompletableFuture<Submission> submit(
      String tenant,
      ExecuteJob.Builder request,
      List<Violation> readProblems,
      CallbackRequest callback,
      String idempotencyKey,
      boolean urgent) {
    long submittedAt = System.currentTimeMillis();
    String jobId =
        idempotencyKey == null ? JobIds.next() : JobIds.forIdempotencyKey(tenant, idempotencyKey);
    if (idempotencyKey != null && readProblems.isEmpty()) {
      Optional<JobState> known = store.find(jobId, tenant);
      if (known.isPresent()) {
        return CompletableFuture.completedFuture(new Submission.Accepted(known.get()));
      }
    }
    ExecuteJob draft =
        request
            .clone()
            .setJobId(jobId)
            .setTenant(tenant)
            .setSubmittedAtMs(submittedAt)
            // Two gateways given this key at the same moment both publish this id: workers run
            // only its first record.
            .setRepeatableId(idempotencyKey != null)
            .build();
    List<Violation> problems = new ArrayList<>(merge(readProblems, validator.validate(draft)));
    if (callback != null) {
      problems.addAll(callbacks.check(callback));
    }
    if (!problems.isEmpty()) {
      return CompletableFuture.completedFuture(new Submission.Invalid(problems));
    }
    if (maxQueuedPerTenant > 0 && store.queuedFor(tenant) >= maxQueuedPerTenant) {
      // Backpressure: the backlog lives in Kafka, but one tenant may not fill it for everyone.
      return CompletableFuture.completedFuture(
          new Submission.Throttled(
              "tenant '" + tenant + "' already has " + maxQueuedPerTenant + " jobs waiting",
              THROTTLED_RETRY_AFTER_SECONDS));
    }
    Runtime runtime = catalogue.resolve(draft.getLanguage(), draft.getVersion()).orElseThrow();
    // Pin the runtime the gateway resolved, so the worker runs what the client was told.
    ExecuteJob job =
        draft.toBuilder()
            .setLanguage(runtime.getLanguage())
            .setVersion(runtime.getVersion())
            .build();
    JobEvent queued =
        JobEvent.newBuilder()
            .setJobId(job.getJobId())
            .setTenant(tenant)
            .setAtMs(submittedAt)
            .setQueued(
                JobQueued.newBuilder()
                    .setLanguage(runtime.getLanguage())
                    .setVersion(runtime.getVersion()))
            .build();
    CallbackRegistration registration =
        callback == null
            ? null
            : CallbackRegistration.newBuilder()
                .setJobId(jobId)
                .setTenant(tenant)
                .setUrl(callback.url())
                .setSecret(callback.secret())
                .setRegisteredAtMs(submittedAt)
                .build();
    return publish(job, queued, registration, urgent);
  }

  private CompletableFuture<Submission> publish(
      ExecuteJob job, JobEvent queued, CallbackRegistration registration, boolean urgent) {
    if (!breaker.tryAcquirePermission()) {
      return CompletableFuture.completedFuture(
          new Submission.Unavailable(
              "the job queue is unreachable; jobs are refused for a few seconds", OPEN_SECONDS));
    }
    long start = System.nanoTime();
    CompletableFuture<Void> sent;
    try {
      sent =
          registration == null
              ? publisher.publish(job, queued, urgent)
              // The registration first: a result must never be read before its webhook is.
              : registrar
                  .register(registration)
                  .thenCompose(registered -> publisher.publish(job, queued, urgent));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    // The producer's own timeouts end a send; this only guards against a send that never ends.
    return sent.orTimeout(timeoutMs + SEND_GUARD_MS, TimeUnit.MILLISECONDS)
        .handle(
            (ok, error) -> {
              long elapsed = System.nanoTime() - start;
              if (error == null) {
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                store.recordSubmitted(
                    job.getJobId(),
                    job.getTenant(),
                    job.getLanguage(),
                    job.getVersion(),
                    job.getSubmittedAtMs());
                LOG.debug("job {} durable after {} ms", job.getJobId(), elapsed / 1_000_000);
                return accepted(job);
              }
              Throwable cause = unwrap(error);
              breaker.onError(elapsed, TimeUnit.NANOSECONDS, cause);
              if (cause instanceof RecordTooLargeException) {
                return new Submission.TooLarge("the job is larger than the job queue accepts");
              }
              LOG.warn("job {} not published", job.getJobId(), cause);
              String reason =
                  cause instanceof TimeoutException
                          || cause instanceof org.apache.kafka.common.errors.TimeoutException
                      ? "the job queue did not accept the job in time"
                      : "the job queue refused the job";
              return new Submission.Unavailable(reason, PUBLISH_FAILED_RETRY_AFTER_SECONDS);
            });
  }

  /**
   * The answer to a new submission is the job as it was accepted: QUEUED, even when a fast worker
   * already reported it started (the contract's 202 says QUEUED; a GET shows the progress).
   */
  private static Submission accepted(ExecuteJob job) {
    return new Submission.Accepted(
        JobState.queued(
            job.getJobId(),
            job.getTenant(),
            job.getLanguage(),
            job.getVersion(),
            job.getSubmittedAtMs()));
  }

  /**
   * The reader's problems, then the validator's about fields the reader had no complaint about (a
   * "files" that is not an array would otherwise also be reported as "no files").
   */
  static List<Violation> merge(List<Violation> read, List<Violation> validated) {
    if (read.stream().anyMatch(v -> v.field().equals("body"))) {
      return read;
    }
    List<Violation> all = new ArrayList<>(read);
    for (Violation violation : validated) {
      boolean covered =
          read.stream()
              .anyMatch(
                  r ->
                      violation.field().equals(r.field())
                          || violation.field().startsWith(r.field() + ".")
                          || violation.field().startsWith(r.field() + "["));
      if (!covered) {
        all.add(violation);
      }
    }
    return all;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
