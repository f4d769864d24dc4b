package dev.gozo.gateway.input;

import dev.gozo.protocol.v1.JobInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's input to its job: each record stamped with the job, its tenant, the next seq (1,
 * 2, ... in the order sent: a worker applies them in that order) and the time, then published. The
 * WebSocket sessions (ours and Piston's) each hold one.
 */
public final class JobInputSequence {

  private static final Logger LOG = LoggerFactory.getLogger(JobInputSequence.class);

  private final JobInputPublisher publisher;
  private long seq;

  public JobInputSequence(JobInputPublisher publisher) {
    this.publisher = publisher;
  }

  /** Publishes the job's next input; when Kafka does not take it, logs that and runs onFailure. */
  public synchronized void send(
      String jobId, String tenant, JobInput.Builder input, Runnable onFailure) {
    JobInput record =
        input
            .setJobId(jobId)
            .setTenant(tenant)
            .setSeq(++seq)
            .setAtMs(System.currentTimeMillis())
            .build();
    publisher
        .publish(record)
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                LOG.warn(
                    "job {}: input {} not published: {}", jobId, record.getSeq(), error.toString());
                onFailure.run();
              }
            });
  }
}
