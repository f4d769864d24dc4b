package dev.gozo.worker.results;

import dev.gozo.topics.ResultSearch;

/** Where a job's already published result can be looked up. */
@FunctionalInterface
public interface PublishedResults {

  /**
   * Looks for the result published for the job since it was submitted. {@link
   * ResultSearch.Unfinished} when the answer could not be had: the caller must not take that for
   * "no result" (running the job again would publish a second one).
   */
  ResultSearch find(String jobId, long submittedAtMs);
}
