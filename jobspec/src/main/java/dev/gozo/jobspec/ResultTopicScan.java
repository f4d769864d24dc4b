package dev.gozo.jobspec;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.protocol.v1.JobCompleted;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Finds one job's result in the results topic. Results are keyed by job id, so a job's result can
 * only be in the partition the producer's default partitioner picks for that key, and only at or
 * after the job's submission: one partition is read from there to its end, within a deadline.
 *
 * <p>The worker uses it for a job delivered again (was a result already published?), the gateway
 * for a job its in-memory store no longer holds. One consumer, no group; calls are serialized.
 */
public final class ResultTopicScan implements AutoCloseable {

  /**
   * How far the clock of whoever stamped a job's submission time may be behind the broker's that
   * stamps its result: callers read from the submission time minus this.
   */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;

  public ResultTopicScan(String bootstrap, String topic, String clientId) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    // Results are written in transactions by some producers: never show an aborted one.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 * 1024 * 1024);
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
  }

  /**
   * The result published for {@code jobId} at or after {@code fromMs}, if the partition holds one
   * and it is found within {@code timeout}. Kafka failures are thrown to the caller.
   */
  public synchronized Optional<JobCompleted> find(String jobId, long fromMs, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
    if (partitions == null || partitions.isEmpty()) {
      return Optional.empty();
    }
    TopicPartition partition = new TopicPartition(topic, partitionOf(jobId, partitions.size()));
    consumer.assign(List.of(partition));
    OffsetAndTimestamp start =
        consumer.offsetsForTimes(Map.of(partition, Math.max(0, fromMs)), timeout).get(partition);
    if (start == null) {
      return Optional.empty(); // nothing was published there since
    }
    long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
    consumer.seek(partition, start.offset());
    while (consumer.position(partition, timeout) < end && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        if (jobId.equals(record.key()) && record.value() != null) {
          return Optional.of(parse(record.value()));
        }
      }
    }
    return Optional.empty();
  }

  private static JobCompleted parse(byte[] value) {
    try {
      return JobCompleted.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "the results topic holds a record that is no JobCompleted", e);
    }
  }

  /** The partition Kafka's default partitioner gives a record with this key. */
  public static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Override
  public synchronized void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
