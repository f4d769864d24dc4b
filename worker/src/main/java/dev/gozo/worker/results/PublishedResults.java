package dev.gozo.worker.results;

import dev.gozo.protocol.v1.JobCompleted;
import java.util.Optional;

/** Where a job's already published result can be looked up. */
@FunctionalInterface
public interface PublishedResults {

  /**
   * The result published for the job since it was submitted, if any. Empty as well when the
   * answer cannot be had in time: the job then runs again (at-least-once).
   */
  Optional<JobCompleted> find(String jobId, long submittedAtMs);
}
