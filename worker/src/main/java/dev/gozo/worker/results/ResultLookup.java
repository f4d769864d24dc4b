package dev.gozo.worker.results;

import dev.gozo.topics.ResultSearch;
import dev.gozo.topics.ResultTopicScan;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks in the results topic for a result an earlier delivery of a job already published, from the
 * job's submission time minus {@link ResultTopicScan#CLOCK_SKEW} (for hosts whose clocks differ).
 *
 * <p>Used for jobs delivered more than once, which is rare: a worker that died after publishing a
 * result but before acknowledging the job leaves a result behind, and running the job again would
 * publish a second one. A search that does not finish is tried again with longer deadlines (the
 * partition may simply be long); only after all of them is the answer {@link
 * ResultSearch.Unfinished}, and the job is then handed back, not run.
 */
public final class ResultLookup implements PublishedResults, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ResultLookup.class);

  private final ResultTopicScan scan;
  private final List<Duration> deadlines;

  /**
   * @param deadlines one per try, in order; their sum must stay well below the share group's
   *     acquisition lock, which the lookup spends
   */
  public ResultLookup(String bootstrap, String topic, List<Duration> deadlines) {
    if (deadlines.isEmpty()) {
      throw new IllegalArgumentException("a lookup needs at least one deadline");
    }
    this.scan = new ResultTopicScan(bootstrap, topic, "gozo-worker-result-lookup");
    this.deadlines = List.copyOf(deadlines);
  }

  @Override
  public ResultSearch find(String jobId, long submittedAtMs) {
    long from = submittedAtMs - ResultTopicScan.CLOCK_SKEW.toMillis();
    ResultSearch search = null;
    for (Duration deadline : deadlines) {
      search = scan.find(jobId, from, deadline);
      if (!(search instanceof ResultSearch.Unfinished unfinished)) {
        return search;
      }
      LOG.warn(
          "job {}: looking for an earlier result did not finish: {}", jobId, unfinished.reason());
    }
    return search;
  }

  @Override
  public void close() {
    scan.close();
  }
}
