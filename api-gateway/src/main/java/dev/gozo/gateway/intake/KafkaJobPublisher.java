package dev.gozo.gateway.intake;

import dev.gozo.gateway.DaemonThreads;
import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.jobs.JobEventHeaders;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobEvent;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes jobs with one shared, thread-safe {@link KafkaProducer}.
 *
 * <p>The producer is tuned to fail fast rather than queue: while Kafka is unreachable a send gives
 * up after {@code max.block.ms} (no metadata) or {@code delivery.timeout.ms} (no ack), both derived
 * from GOZO_KAFKA_TIMEOUT_MS, so an HTTP client gets a 503 within about two seconds instead of a
 * hanging request. Durability: acks=all with idempotence, so a job the gateway answered 202 for is
 * on every in-sync replica and never duplicated by producer retries.
 */
// Created at start-up: a bad bootstrap address fails the start, and metadata is fetched early.
@Context
public final class KafkaJobPublisher implements JobPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaJobPublisher.class);

  /**
   * One thread for queued events. Without an executor, thenRunAsync uses the common pool, which on
   * a 2-CPU machine has parallelism 1 and so starts a new thread per job (measured: async
   * submissions capped near 2,000/s).
   */
  private static final java.util.concurrent.ExecutorService ANNOUNCER =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          DaemonThreads.named("gozo-queued-events"));

  /**
   * Where a send's completion continues: recording the job and answering its HTTP request. The
   * producer's callback runs on its single I/O thread; doing that work there made the I/O thread
   * the bottleneck of async submissions (a JFR profile showed it busiest of all threads).
   */
  private static final java.util.concurrent.ExecutorService COMPLETIONS =
      java.util.concurrent.Executors.newFixedThreadPool(
          Math.max(2, Runtime.getRuntime().availableProcessors()),
          DaemonThreads.named("gozo-publish-completions"));

  static final int MAX_BLOCK_MS = 250;

  /** The longest pause between reconnects, so a broker that comes back is used within a second. */
  private static final int RECONNECT_BACKOFF_MAX_MS = 1000;

  /**
   * Room in a Kafka request beyond the job's files: the other fields of ExecuteJob and the record's
   * framing. The files themselves are at most the HTTP body (base64 decodes smaller).
   */
  private static final int REQUEST_OVERHEAD_BYTES = 64 * 1024;

  /** How long close() lets in-flight sends finish; their HTTP requests are still waiting. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final Producer<byte[], byte[]> producer;
  private final Producer<byte[], byte[]> urgentProducer;
  private final String jobsTopic;
  private final String eventsTopic;

  public KafkaJobPublisher(GatewayConfig config) {
    this(
        new KafkaProducer<>(properties(config)),
        new KafkaProducer<>(urgentProperties(config)),
        config.topicJobs(),
        config.topicEvents());
    // Fetch the topics' metadata now, off the caller's thread, so the first request does not pay
    // for it. Failure is fine: a send fetches it again.
    CompletableFuture.runAsync(this::warmUp);
  }

  KafkaJobPublisher(
      Producer<byte[], byte[]> producer,
      Producer<byte[], byte[]> urgentProducer,
      String jobsTopic,
      String eventsTopic) {
    this.producer = producer;
    this.urgentProducer = urgentProducer;
    this.jobsTopic = jobsTopic;
    this.eventsTopic = eventsTopic;
  }

  static Properties properties(GatewayConfig config) {
    int timeout = Math.toIntExact(config.kafkaTimeoutMs());
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "gozo-gateway-jobs");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Two ms of batching lets concurrent requests share a Kafka request. Not more: every 202
    // waits for its batch's ack, so the linger is a floor under submission latency, and a client
    // with N connections cannot submit faster than N / latency (measured with 64 connections:
    // 5 ms capped us near 10,000/s; 2 ms gave 17,000/s at 3 ms p50).
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    // Source code compresses well; lz4 is cheap on CPU.
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // send() runs on the HTTP event loop and blocks only while it has no metadata for the topic
    // (at start, or after 5 idle minutes): briefly, then the request gets a 503. The whole budget
    // is for the ack.
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(timeout / 2, MAX_BLOCK_MS));
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout - 10);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout);
    props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, RECONNECT_BACKOFF_MAX_MS);
    // A job may be as large as the HTTP body allows (files are base64-decoded, so smaller).
    props.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        (int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes() + REQUEST_OVERHEAD_BYTES));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }

  /**
   * For jobs a client waits on: no linger, so the job leaves at once. Async submissions keep the 2
   * ms linger of the bulk producer, which batches concurrent requests into one Kafka request.
   */
  public static Properties urgentProperties(GatewayConfig config) {
    Properties props = properties(config);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "gozo-gateway-jobs-urgent");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return props;
  }

  @Override
  public CompletableFuture<Void> publish(ExecuteJob job, JobEvent queued) {
    return publish(job, queued, false);
  }

  @Override
  public CompletableFuture<Void> publish(ExecuteJob job, JobEvent queued, boolean urgent) {
    byte[] key = job.getJobId().getBytes(StandardCharsets.UTF_8);
    CompletableFuture<Void> durable = new CompletableFuture<>();
    try {
      (urgent ? urgentProducer : producer)
          .send(
              new ProducerRecord<>(jobsTopic, key, job.toByteArray()),
              (metadata, error) ->
                  COMPLETIONS.execute(
                      () -> {
                        if (error == null) {
                          durable.complete(null);
                        } else {
                          durable.completeExceptionally(error);
                        }
                      }));
    } catch (RuntimeException e) {
      // send() throws (rather than failing the future) for some errors, e.g. after close().
      durable.completeExceptionally(e);
    }
    // Announce only a job that is durable; never a job that failed. Sent from one thread of its
    // own: a send can block (max.block.ms) and must hold up neither completions nor the caller.
    durable.thenRunAsync(() -> announce(job.getJobId(), key, queued), ANNOUNCER);
    return durable;
  }

  private void announce(String jobId, byte[] key, JobEvent queued) {
    try {
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(eventsTopic, key, queued.toByteArray());
      record.headers().add(JobEventHeaders.KIND, JobEventHeaders.queuedKind());
      producer.send(
          record,
          (metadata, error) -> {
            if (error != null) {
              // Only progress information is lost: the job itself is on the jobs topic.
              LOG.warn("queued event for job {} not published: {}", jobId, error.toString());
            }
          });
    } catch (RuntimeException e) {
      LOG.warn("queued event for job {} not published", jobId, e);
    }
  }

  private void warmUp() {
    try {
      producer.partitionsFor(jobsTopic);
      producer.partitionsFor(eventsTopic);
      urgentProducer.partitionsFor(jobsTopic);
    } catch (RuntimeException e) {
      LOG.debug("metadata warm-up failed: {}", e.toString());
    }
  }

  @PreDestroy
  public void close() {
    // Give in-flight sends a moment to finish; their HTTP requests are still waiting for them.
    producer.close(CLOSE_TIMEOUT);
    if (urgentProducer != producer) {
      urgentProducer.close(CLOSE_TIMEOUT);
    }
  }
}
