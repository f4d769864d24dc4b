package dev.gozo.gateway.jobs;

import dev.gozo.protocol.v1.JobCompleted;

/**
 * What the gateway knows about one job. Immutable: the store replaces the whole value on each
 * change, so a reader never sees half an update.
 *
 * @param tenant owner; only this tenant may read the job
 * @param language resolved language id, empty until known
 * @param version resolved runtime version, empty until known
 * @param submittedAtMs when the gateway accepted it, 0 until known
 * @param startedAtMs when a worker took it, 0 until known
 * @param workerId the worker that took it, empty until known
 * @param attempt the delivery attempt a worker reported taking it in, 0 until known (a job
 *     redelivered after a worker died is started again with a higher attempt)
 * @param result the final result, present exactly when the phase is FINISHED
 */
public record JobState(
    String jobId,
    String tenant,
    JobPhase phase,
    String language,
    String version,
    long submittedAtMs,
    long startedAtMs,
    String workerId,
    int attempt,
    JobCompleted result) {

  public static JobState queued(
      String jobId, String tenant, String language, String version, long submittedAtMs) {
    return new JobState(
        jobId, tenant, JobPhase.QUEUED, language, version, submittedAtMs, 0, "", 0, null);
  }

  public static JobState running(
      String jobId, String tenant, String workerId, int attempt, long startedAtMs) {
    return new JobState(
        jobId, tenant, JobPhase.RUNNING, "", "", 0, startedAtMs, workerId, attempt, null);
  }

  public static JobState finished(JobCompleted result) {
    return new JobState(
        result.getJobId(),
        result.getTenant(),
        JobPhase.FINISHED,
        result.getLanguage(),
        result.getVersion(),
        result.getSubmittedAtMs(),
        result.getStartedAtMs(),
        result.getWorkerId(),
        result.getDeliveryAttempt(),
        result);
  }

  public boolean isFinished() {
    return phase == JobPhase.FINISHED;
  }

  /**
   * This state moved to {@code next}'s phase, keeping what {@code next} does not know (a result or
   * a start event carries no submission time when it comes from another gateway's job).
   */
  JobState advancedTo(JobState next) {
    return new JobState(
        jobId,
        tenant,
        next.phase,
        either(next.language, language),
        either(next.version, version),
        next.submittedAtMs != 0 ? next.submittedAtMs : submittedAtMs,
        next.startedAtMs != 0 ? next.startedAtMs : startedAtMs,
        either(next.workerId, workerId),
        Math.max(next.attempt, attempt),
        next.result);
  }

  /** Fills blanks from {@code other} without changing the phase (for late, ignored events). */
  JobState completedWith(JobState other) {
    return new JobState(
        jobId,
        tenant,
        phase,
        either(language, other.language),
        either(version, other.version),
        submittedAtMs != 0 ? submittedAtMs : other.submittedAtMs,
        startedAtMs != 0 ? startedAtMs : other.startedAtMs,
        either(workerId, other.workerId),
        attempt != 0 ? attempt : other.attempt,
        result);
  }

  /**
   * An estimate of the heap this state holds, so the store can bound bytes as well as entries.
   * Measured with a class histogram: 34k stored print(1) results (~300 bytes serialized each) held
   * ~1.2 KB of heap apiece (the parsed messages, strings, map entry); parsed text fields keep both
   * their bytes and their decoded string, hence twice the serialized size.
   */
  long weight() {
    return 1024L + (result == null ? 0 : 2L * result.getSerializedSize());
  }

  private static String either(String preferred, String fallback) {
    return preferred == null || preferred.isEmpty() ? fallback : preferred;
  }
}
