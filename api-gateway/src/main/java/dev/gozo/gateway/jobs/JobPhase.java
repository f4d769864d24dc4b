package dev.gozo.gateway.jobs;

/**
 * Where a job is in its life, as far as the gateway knows. The verdict of FINISHED is in the
 * result.
 */
public enum JobPhase {
  /** Accepted and published; no worker has reported taking it. */
  QUEUED,
  /** A worker reported taking it (JobStarted). */
  RUNNING,
  /** A final result (JobCompleted) arrived; nothing changes after this. */
  FINISHED
}
