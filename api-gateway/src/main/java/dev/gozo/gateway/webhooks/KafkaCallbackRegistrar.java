package dev.gozo.gateway.webhooks;

import dev.gozo.gateway.DaemonThreads;
import dev.gozo.gateway.GatewayConfig;
import dev.gozo.protocol.v1.CallbackRegistration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes webhook registrations to the callbacks topic (key = job id, compacted), and a tombstone
 * once a delivery is finished so the topic holds only undelivered ones. With webhooks off (no
 * allowed hosts) it opens no producer at all: nothing is ever registered then.
 */
@Singleton
public final class KafkaCallbackRegistrar implements CallbackRegistrar {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaCallbackRegistrar.class);

  /** Same bound as the jobs producer: a send without metadata blocks the caller this long. */
  private static final int MAX_BLOCK_MS = 250;

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Where a registration's completion continues (publishing its job), off the producer's single I/O
   * thread, which must not block on another producer's send.
   */
  private static final ExecutorService COMPLETIONS =
      Executors.newSingleThreadExecutor(DaemonThreads.named("gozo-callback-completions"));

  private final Producer<byte[], byte[]> producer; // null when webhooks are off
  private final String topic;

  public KafkaCallbackRegistrar(GatewayConfig config, CallbackPolicy policy) {
    this.topic = config.topicCallbacks();
    this.producer = policy.enabled() ? new KafkaProducer<>(properties(config)) : null;
  }

  static Properties properties(GatewayConfig config) {
    int timeout = Math.toIntExact(config.kafkaTimeoutMs());
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "gozo-gateway-callbacks");
    // A registration the client was answered 202 for must survive any one broker's loss.
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(timeout / 2, MAX_BLOCK_MS));
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout - 10);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }

  @Override
  public CompletableFuture<Void> register(CallbackRegistration registration) {
    if (producer == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("webhooks are off"));
    }
    return send(registration.getJobId(), registration.toByteArray());
  }

  @Override
  public void forget(String jobId) {
    if (producer == null) {
      return;
    }
    send(jobId, null)
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                // Harmless: a restart would find the registration, but the group's offset is
                // already past the result, so it is not delivered again.
                LOG.debug("tombstone for webhook of job {} not published: {}", jobId, error);
              }
            });
  }

  private CompletableFuture<Void> send(String jobId, byte[] value) {
    CompletableFuture<Void> durable = new CompletableFuture<>();
    try {
      producer.send(
          new ProducerRecord<>(topic, jobId.getBytes(StandardCharsets.UTF_8), value),
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
      durable.completeExceptionally(e);
    }
    return durable;
  }

  @PreDestroy
  public void close() {
    if (producer != null) {
      producer.close(CLOSE_TIMEOUT);
    }
  }
}
