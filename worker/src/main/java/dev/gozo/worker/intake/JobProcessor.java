package dev.gozo.worker.intake;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.jobspec.EffectiveLimits;
import dev.gozo.jobspec.JobValidator;
import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.jobspec.Violation;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.Runtime;
import dev.gozo.protocol.v1.SourceFile;
import dev.gozo.topics.KeyScan;
import dev.gozo.topics.ResultSearch;
import dev.gozo.worker.judging.Judge;
import dev.gozo.worker.live.LiveJobs;
import dev.gozo.worker.results.OutcomeMapper;
import dev.gozo.worker.results.PublishedResults;
import dev.gozo.worker.results.ResultSink;
import dev.gozo.worker.sandbox.Outcome;
import dev.gozo.worker.sandbox.Sandbox;
import dev.gozo.worker.sandbox.SandboxJob;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one delivered job record from start to acknowledgement decision: decode, give up on jobs
 * that were delivered too often, validate, run, publish the result. The result is durable before
 * the record is accepted; when it cannot be published, or the sandbox is unavailable, the record is
 * released so that another attempt (here or on another worker) runs it.
 *
 * <p>While it runs, the job is live ({@link LiveJobs}): its output streams out and its input and a
 * cancel come in. A job cancelled before it was delivered is answered CANCELLED without running.
 */
public final class JobProcessor implements RecordHandler {

  private static final Logger LOG = LoggerFactory.getLogger(JobProcessor.class);

  /** What to tell Kafka about the record. */
  public enum Decision {
    ACCEPT,
    RELEASE,
    REJECT
  }

  private final RuntimeCatalogue catalogue;
  private final JobValidator validator;
  private final Sandbox sandbox;
  private final Judge judge;
  private final ResultSink publisher;
  private final PublishedResults published;
  private final EarlierRecords earlierRecords;
  private final String workerId;
  private final int maxAttempts;
  private final LiveJobs live;

  /** How long the result waits for the broker to take the job's last output records. */
  private static final Duration OUTPUT_FLUSH_TIMEOUT = Duration.ofSeconds(5);

  public JobProcessor(
      RuntimeCatalogue catalogue,
      JobValidator validator,
      Sandbox sandbox,
      ResultSink publisher,
      PublishedResults published,
      EarlierRecords earlierRecords,
      String workerId,
      int maxAttempts) {
    this(
        catalogue,
        validator,
        sandbox,
        publisher,
        published,
        earlierRecords,
        workerId,
        maxAttempts,
        LiveJobs.NONE);
  }

  public JobProcessor(
      RuntimeCatalogue catalogue,
      JobValidator validator,
      Sandbox sandbox,
      ResultSink publisher,
      PublishedResults published,
      EarlierRecords earlierRecords,
      String workerId,
      int maxAttempts,
      LiveJobs live) {
    this.live = live;
    this.catalogue = catalogue;
    this.judge = new Judge(sandbox, catalogue);
    this.validator = validator;
    this.sandbox = sandbox;
    this.publisher = publisher;
    this.published = published;
    this.earlierRecords = earlierRecords;
    this.workerId = workerId;
    this.maxAttempts = maxAttempts;
  }

  @Override
  public Decision handle(DeliveredRecord record) {
    long startedAt = System.currentTimeMillis();
    int attempt = record.attempt();
    String key = record.key();
    ExecuteJob job;
    try {
      job = ExecuteJob.parseFrom(record.value() == null ? new byte[0] : record.value());
    } catch (InvalidProtocolBufferException e) {
      return undecodable(key, attempt, startedAt);
    }
    if (job.getJobId().isEmpty() && key != null) {
      job = job.toBuilder().setJobId(key).build();
    }
    Optional<Decision> alreadyDone = alreadyDone(job, record);
    if (alreadyDone.isPresent()) {
      return alreadyDone.get();
    }
    if (attempt > maxAttempts) {
      return giveUp(job, attempt, startedAt, "the job stopped its worker every time it ran");
    }
    List<Violation> violations = validator.validate(job);
    if (!violations.isEmpty()) {
      String reason =
          violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
      return finish(job, new Outcome.Rejected("invalid job: " + reason), null, attempt, startedAt);
    }
    Runtime runtime = catalogue.resolve(job.getLanguage(), job.getVersion()).orElseThrow();
    if (live.cancelled(job.getJobId(), job.getTenant())) {
      LOG.info("job {} was cancelled while queued; not running it", job.getJobId());
      return finish(
          job,
          new Outcome.Cancelled(null, null, "cancelled before it ran"),
          runtime,
          attempt,
          startedAt);
    }
    LOG.info("job {} started (attempt {})", job.getJobId(), attempt);
    publisher.started(job.getJobId(), job.getTenant(), workerId, attempt);
    try (LiveJobs.LiveJob session = live.open(job, attempt)) {
      SandboxJob program = toSandboxJob(job, runtime);
      Outcome outcome =
          job.getTestsCount() > 0
              ? judge.judge(job, program, session)
              : sandbox.run(program, session);
      if (outcome instanceof Outcome.Unavailable unavailable) {
        LOG.warn("job {}: handing back ({})", job.getJobId(), unavailable.message());
        return Decision.RELEASE;
      }
      // The stream is durable before the result that says how long it is.
      long records = session.finish(OUTPUT_FLUSH_TIMEOUT);
      return finish(job, outcome, runtime, attempt, startedAt, records);
    }
  }

  /**
   * A decision when this record must not run: another record of the same id came first (an
   * Idempotency-Key published by two gateways at once), or an earlier delivery already published
   * the result. A lookup that could not finish is not taken for "no": the record is handed back
   * (or, past the last attempt, failed without running) rather than run a second time.
   */
  private Optional<Decision> alreadyDone(ExecuteJob job, DeliveredRecord record) {
    int attempt = record.attempt();
    if (job.getRepeatableId() && job.getJobId().equals(record.key())) {
      KeyScan.Search earlier = earlierRecords.before(record);
      if (earlier instanceof KeyScan.Hit hit) {
        LOG.info(
            "job {}: record at offset {} is a repeat of the one at offset {}; only that one runs",
            job.getJobId(),
            record.offset(),
            hit.offset());
        return Optional.of(Decision.ACCEPT);
      }
      if (earlier instanceof KeyScan.Unfinished unfinished) {
        return Optional.of(undecided(job, attempt, "an earlier record", unfinished.reason()));
      }
    }
    if (attempt > 1) {
      ResultSearch search = published.find(job.getJobId(), job.getSubmittedAtMs());
      if (search instanceof ResultSearch.Found found) {
        // Its worker published the result and died before acknowledging: done already.
        LOG.warn(
            "job {}: delivered again (attempt {}), but {} already published its result; not"
                + " running it twice",
            job.getJobId(),
            attempt,
            found.result().getWorkerId());
        return Optional.of(Decision.ACCEPT);
      }
      if (search instanceof ResultSearch.Unfinished unfinished) {
        return Optional.of(undecided(job, attempt, "an earlier result", unfinished.reason()));
      }
    }
    return Optional.empty();
  }

  /** The look for WHAT did not finish: hand the record back; past the last attempt, give up. */
  private Decision undecided(ExecuteJob job, int attempt, String what, String reason) {
    if (attempt > maxAttempts) {
      return giveUp(
          job,
          attempt,
          System.currentTimeMillis(),
          "Kafka could not tell whether it had run already (" + reason + ")");
    }
    LOG.warn(
        "job {}: could not look for {} ({}); handing it back instead of running it",
        job.getJobId(),
        what,
        reason);
    return Decision.RELEASE;
  }

  private Decision giveUp(ExecuteJob job, int attempt, long startedAt, String why) {
    LOG.warn("job {}: giving up after {} deliveries: {}", job.getJobId(), attempt - 1, why);
    return finish(
        job,
        new Outcome.InternalError("gave up after " + (attempt - 1) + " attempts: " + why),
        null,
        attempt,
        startedAt);
  }

  private Decision undecodable(String key, int attempt, long startedAt) {
    ExecuteJob stub = ExecuteJob.newBuilder().setJobId(key == null ? "" : key).build();
    if (stub.getJobId().isEmpty()) {
      LOG.warn("dropping an undecodable job record without a key");
      return Decision.REJECT;
    }
    return finish(
        stub,
        new Outcome.Rejected("the job record is not a valid gozo.v1.ExecuteJob message"),
        null,
        attempt,
        startedAt);
  }

  private Decision finish(
      ExecuteJob job, Outcome outcome, Runtime runtime, int attempt, long startedAt) {
    return finish(job, outcome, runtime, attempt, startedAt, 0);
  }

  private Decision finish(
      ExecuteJob job,
      Outcome outcome,
      Runtime runtime,
      int attempt,
      long startedAt,
      long outputRecords) {
    JobCompleted.Builder result =
        OutcomeMapper.toResult(outcome)
            .setJobId(job.getJobId())
            .setTenant(job.getTenant())
            .setWorkerId(workerId)
            .setSubmittedAtMs(job.getSubmittedAtMs())
            .setStartedAtMs(startedAt)
            .setFinishedAtMs(System.currentTimeMillis())
            .setDeliveryAttempt(attempt)
            .setOutputRecords(outputRecords);
    if (runtime != null) {
      result.setLanguage(runtime.getLanguage()).setVersion(runtime.getVersion());
    } else {
      result.setLanguage(job.getLanguage()).setVersion(job.getVersion());
    }
    JobCompleted completed = result.build();
    long publishStart = System.nanoTime();
    if (!publisher.publish(completed)) {
      LOG.warn("job {}: result could not be published, handing the job back", job.getJobId());
      return Decision.RELEASE;
    }
    LOG.info(
        "job {} {} in {} ms, result published in {} ms (attempt {})",
        job.getJobId(),
        completed.getStatus(),
        completed.getFinishedAtMs() - startedAt,
        (System.nanoTime() - publishStart) / 1_000_000,
        attempt);
    return Decision.ACCEPT;
  }

  private SandboxJob toSandboxJob(ExecuteJob job, Runtime runtime) {
    return toSandboxJob(job, runtime, catalogue);
  }

  /** The sandbox's view of a valid job: its files, input and resolved limits. */
  public static SandboxJob toSandboxJob(
      ExecuteJob job, Runtime runtime, RuntimeCatalogue catalogue) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (SourceFile file : job.getFilesList()) {
      files.put(file.getName(), file.getContent().toByteArray());
    }
    return new SandboxJob(
        job.getJobId(),
        job.getTenant(),
        runtime,
        files,
        job.getStdin().toByteArray(),
        List.copyOf(job.getArgsList()),
        EffectiveLimits.forCompile(runtime.getCompileLimits(), catalogue.maxCompileLimits()),
        EffectiveLimits.resolve(job.getLimits(), runtime.getRunLimits(), catalogue.maxLimits()));
  }
}
