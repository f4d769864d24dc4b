package dev.gozo.gateway.input;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.intake.KafkaJobPublisher;
import dev.gozo.protocol.v1.JobInput;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes job input with one idempotent producer (acks=all, no linger: an interactive keystroke
 * should not wait for a batch). One producer keeps the records of one job in the order they were
 * sent, which the worker relies on (it applies seq in order). Times out like job publishing ({@code
 * GOZO_KAFKA_TIMEOUT_MS}).
 */
@Singleton
public final class KafkaJobInputPublisher implements JobInputPublisher {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;

  public KafkaJobInputPublisher(GatewayConfig config) {
    // The job publisher's urgent settings: acks=all, idempotent, no linger, the same timeouts.
    Properties props = KafkaJobPublisher.urgentProperties(config);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "gozo-gateway-input");
    this.producer = new KafkaProducer<>(props);
    this.topic = config.topicInput();
  }

  @Override
  public CompletableFuture<Void> publish(JobInput input) {
    CompletableFuture<Void> durable = new CompletableFuture<>();
    try {
      producer.send(
          new ProducerRecord<>(
              topic, input.getJobId().getBytes(StandardCharsets.UTF_8), input.toByteArray()),
          (metadata, error) -> {
            if (error == null) {
              durable.complete(null);
            } else {
              durable.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      durable.completeExceptionally(e);
    }
    return durable;
  }

  @PreDestroy
  void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
