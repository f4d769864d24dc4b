package dev.gozo.gateway;

import static org.awaitility.Awaitility.await;

import dev.gozo.protocol.v1.ExecuteJob;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a shared jobs topic (one the test did not create, such as gozo.jobs) from its end at the
 * time of opening, so only jobs published afterwards are seen.
 */
final class TopicTail implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, ExecuteJob> jobs = new ConcurrentHashMap<>();

  TopicTail(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(props);
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrap);
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fix the starting point now, before any publish
  }

  synchronized ExecuteJob awaitJob(String id) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                ExecuteJob job = ExecuteJob.parseFrom(record.value());
                jobs.put(job.getJobId(), job);
              }
              return jobs.containsKey(id);
            });
    return jobs.get(id);
  }

  @Override
  public synchronized void close() {
    consumer.close();
  }
}
