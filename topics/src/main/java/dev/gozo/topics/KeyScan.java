package dev.gozo.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Finds the first record with one key in one partition of a topic, read from a point in time up to
 * the partition's end or a given offset, within a deadline. Records are keyed by job id, so a job's
 * records are all in the partition the producer's default partitioner picks for that key.
 *
 * <p>"Not there" is answered only when the whole range was read; a deadline that passed first or a
 * Kafka failure is {@link Search.Unfinished}. One consumer, no group; calls are serialized.
 */
public final class KeyScan implements AutoCloseable {

  /** What a scan found. */
  public sealed interface Search {}

  /** The first record with the key in the range. */
  public record Hit(long offset, byte[] value) implements Search {}

  /** The whole range was read: no record has the key. */
  public record Miss() implements Search {}

  /** The scan did not finish; nothing is known. */
  public record Unfinished(String reason) implements Search {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;

  public KeyScan(String bootstrap, String topic, String clientId) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    // Some producers write in transactions: never show an aborted record.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 * 1024 * 1024);
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
  }

  /** Scans the partition the key belongs to, from {@code fromMs} to the partition's end. */
  public synchronized Search first(String key, long fromMs, Duration timeout) {
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
      if (partitions == null || partitions.isEmpty()) {
        return new Unfinished("the topic " + topic + " has no partitions");
      }
      TopicPartition partition = new TopicPartition(topic, partitionOf(key, partitions.size()));
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      return scan(partition, key, fromMs, end, System.nanoTime() + timeout.toNanos(), timeout);
    } catch (KafkaException e) {
      return new Unfinished("Kafka failed: " + e);
    }
  }

  /**
   * Scans {@code partition} from {@code fromMs} up to, not including, {@code beforeOffset}: was the
   * key there before that record?
   */
  public synchronized Search firstBefore(
      int partition, String key, long fromMs, long beforeOffset, Duration timeout) {
    try {
      return scan(
          new TopicPartition(topic, partition),
          key,
          fromMs,
          beforeOffset,
          System.nanoTime() + timeout.toNanos(),
          timeout);
    } catch (KafkaException e) {
      return new Unfinished("Kafka failed: " + e);
    }
  }

  private Search scan(
      TopicPartition partition,
      String key,
      long fromMs,
      long end,
      long deadline,
      Duration timeout) {
    consumer.assign(List.of(partition));
    OffsetAndTimestamp start =
        consumer.offsetsForTimes(Map.of(partition, Math.max(0, fromMs)), timeout).get(partition);
    if (start == null || start.offset() >= end) {
      return new Miss(); // nothing was published there in the range
    }
    consumer.seek(partition, start.offset());
    while (consumer.position(partition, timeout) < end) {
      if (System.nanoTime() >= deadline) {
        return new Unfinished(
            "read "
                + partition
                + " up to offset "
                + consumer.position(partition, timeout)
                + " of "
                + end
                + " within "
                + timeout.toMillis()
                + " ms");
      }
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        if (record.offset() >= end) {
          return new Miss();
        }
        if (key.equals(record.key()) && record.value() != null) {
          return new Hit(record.offset(), record.value());
        }
      }
    }
    return new Miss();
  }

  /** The partition Kafka's default partitioner gives a record with this key. */
  public static int partitionOf(String key, int partitions) {
    return org.apache.kafka.common.utils.Utils.toPositive(
            org.apache.kafka.common.utils.Utils.murmur2(
                key.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        % partitions;
  }

  @Override
  public synchronized void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
