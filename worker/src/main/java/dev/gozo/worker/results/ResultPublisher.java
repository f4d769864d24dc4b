package dev.gozo.worker.results;

import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobEvent;
import dev.gozo.protocol.v1.JobStarted;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes results and progress events, keyed by job id. A result is sent with acks=all and
 * awaited: the job's record is acknowledged only after its result is durable.
 */
public final class ResultPublisher implements ResultSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ResultPublisher.class);

  private final KafkaProducer<String, byte[]> producer;
  private final String resultsTopic;
  private final String eventsTopic;
  private final Duration sendTimeout;

  public ResultPublisher(
      String bootstrap, String resultsTopic, String eventsTopic, Duration sendTimeout) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Results are on the user's latency path: send at once, never wait to fill a batch.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) sendTimeout.toMillis());
    props.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(sendTimeout.toMillis(), 10_000));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, sendTimeout.toMillis());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "gozo-worker-results");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.resultsTopic = resultsTopic;
    this.eventsTopic = eventsTopic;
    this.sendTimeout = sendTimeout;
  }

  /** Sends the result and waits until the broker has it; false when that failed. */
  @Override
  public boolean publish(JobCompleted result) {
    try {
      producer
          .send(new ProducerRecord<>(resultsTopic, result.getJobId(), result.toByteArray()))
          .get(sendTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("job {}: interrupted while publishing its result", result.getJobId());
      return false;
    } catch (ExecutionException e) {
      LOG.warn("job {}: publishing its result failed", result.getJobId(), e.getCause());
      return false;
    } catch (TimeoutException | RuntimeException e) {
      LOG.warn("job {}: publishing its result failed", result.getJobId(), e);
      return false;
    }
  }

  /** Fire-and-forget: a lost progress event costs a client nothing but a late RUNNING. */
  @Override
  public void started(String jobId, String tenant, String workerId, int attempt) {
    JobEvent event =
        JobEvent.newBuilder()
            .setJobId(jobId)
            .setTenant(tenant)
            .setAtMs(System.currentTimeMillis())
            .setStarted(JobStarted.newBuilder().setWorkerId(workerId).setDeliveryAttempt(attempt))
            .build();
    try {
      producer.send(
          new ProducerRecord<>(eventsTopic, jobId, event.toByteArray()),
          (metadata, error) -> {
            if (error != null) {
              LOG.warn("job {}: its started event was lost: {}", jobId, error.toString());
            }
          });
    } catch (RuntimeException e) {
      // Best effort (see above): the result still follows; say why the event is missing.
      LOG.warn("job {}: its started event was not sent: {}", jobId, e.toString());
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
