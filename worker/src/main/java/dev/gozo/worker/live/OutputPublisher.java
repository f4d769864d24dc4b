package dev.gozo.worker.live;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends JobOutput records to gozo.output, keyed by job id. Idempotent with acks=all, so a job's
 * records land in its partition once each and in the order they were sent; sent at once (no
 * linger), because the first byte of output is on a watcher's latency path.
 */
final class OutputPublisher implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  OutputPublisher(String bootstrap, String topic, Duration sendTimeout) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) sendTimeout.toMillis());
    props.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(sendTimeout.toMillis(), 10_000));
    // Sending happens on the engine's output thread: never block it for long on metadata.
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "gozo-worker-output");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.topic = topic;
  }

  Future<RecordMetadata> send(String jobId, byte[] record) {
    return producer.send(new ProducerRecord<>(topic, jobId, record));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
