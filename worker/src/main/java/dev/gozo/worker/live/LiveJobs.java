package dev.gozo.worker.live;

import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.worker.sandbox.LiveSession;
import java.time.Duration;

/**
 * The live side of the jobs this worker runs: whether a job was cancelled before it started, and a
 * {@link LiveJob} per run that streams its output and receives its input. {@link #NONE} streams
 * nothing (tests of the intake, a worker without the live topics).
 */
public interface LiveJobs extends AutoCloseable {

  /** Whether a cancel for the job arrived (from its own tenant). */
  boolean cancelled(String jobId, String tenant);

  /** Opens the live session of one attempt of a job; close it when the attempt is over. */
  LiveJob open(ExecuteJob job, int attempt);

  @Override
  void close();

  /** One attempt of a job, live. */
  interface LiveJob extends LiveSession, AutoCloseable {

    /**
     * Publishes what is still buffered and waits (up to {@code timeout}) until the broker has every
     * record of the attempt; returns how many records the attempt published (its highest seq).
     */
    long finish(Duration timeout);

    /** Stops receiving input for the job. */
    @Override
    void close();
  }

  LiveJobs NONE =
      new LiveJobs() {
        @Override
        public boolean cancelled(String jobId, String tenant) {
          return false;
        }

        @Override
        public LiveJob open(ExecuteJob job, int attempt) {
          return new Unwatched();
        }

        @Override
        public void close() {}
      };

  /** A job nobody watches: {@link LiveSession#NONE} with nothing to finish. */
  final class Unwatched extends LiveSession.Unwatched implements LiveJob {

    @Override
    public long finish(Duration timeout) {
      return 0;
    }

    @Override
    public void close() {}
  }
}
