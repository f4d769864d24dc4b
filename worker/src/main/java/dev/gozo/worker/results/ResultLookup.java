package dev.gozo.worker.results;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the results topic for one job's result. Results are keyed by job id, so a job's result
 * can only be in the partition the producer's default partitioner picks for that key, at or
 * after the job's submission time (minus {@link #CLOCK_SKEW} for hosts whose clocks differ):
 * one partition is scanned from there to its end, within a deadline.
 *
 * <p>Used only for jobs delivered more than once, which is rare: a worker that died after
 * publishing a result but before acknowledging the job leaves a result behind, and running the
 * job again would publish a second one.
 */
public final class ResultLookup implements PublishedResults, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ResultLookup.class);
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Duration timeout;

  public ResultLookup(String bootstrap, String topic, Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gozo-worker-result-lookup");
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.timeout = timeout;
  }

  @Override
  public synchronized Optional<JobCompleted> find(String jobId, long submittedAtMs) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
      if (partitions == null || partitions.isEmpty()) {
        return Optional.empty();
      }
      TopicPartition partition = new TopicPartition(topic, partitionOf(jobId, partitions.size()));
      consumer.assign(List.of(partition));
      long from = Math.max(0, submittedAtMs - CLOCK_SKEW.toMillis());
      OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, from), timeout).get(partition);
      if (start == null) {
        return Optional.empty(); // nothing was published there since
      }
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      consumer.seek(partition, start.offset());
      while (consumer.position(partition, timeout) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          if (jobId.equals(record.key()) && record.value() != null) {
            return Optional.of(JobCompleted.parseFrom(record.value()));
          }
        }
      }
      return Optional.empty();
    } catch (RuntimeException | InvalidProtocolBufferException e) {
      LOG.warn("job {}: could not look for an earlier result ({}); running it", jobId, e.toString());
      return Optional.empty();
    }
  }

  /** The partition Kafka's default partitioner gives a record with this key. */
  static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Override
  public synchronized void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
