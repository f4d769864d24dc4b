package dev.gozo.worker.results;

import dev.gozo.jobspec.ResultTopicScan;
import dev.gozo.protocol.v1.JobCompleted;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks in the results topic for a result an earlier delivery of a job already published, from
 * the job's submission time minus {@link ResultTopicScan#CLOCK_SKEW} (for hosts whose clocks
 * differ).
 *
 * <p>Used only for jobs delivered more than once, which is rare: a worker that died after
 * publishing a result but before acknowledging the job leaves a result behind, and running the
 * job again would publish a second one. When the lookup fails the job runs again.
 */
public final class ResultLookup implements PublishedResults, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ResultLookup.class);

  private final ResultTopicScan scan;
  private final Duration timeout;

  public ResultLookup(String bootstrap, String topic, Duration timeout) {
    this.scan = new ResultTopicScan(bootstrap, topic, "gozo-worker-result-lookup");
    this.timeout = timeout;
  }

  @Override
  public Optional<JobCompleted> find(String jobId, long submittedAtMs) {
    try {
      return scan.find(jobId, submittedAtMs - ResultTopicScan.CLOCK_SKEW.toMillis(), timeout);
    } catch (RuntimeException e) {
      LOG.warn(
          "job {}: could not look for an earlier result ({}); running it", jobId, e.toString());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    scan.close();
  }
}
