package dev.gozo.gateway.live;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.gateway.GatewayConfig;
import dev.gozo.protocol.v1.JobOutput;
import dev.gozo.topics.KeyScan;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one job's output records back from the output topic: the partition its key maps to, from
 * the job's submission up to the partition's end (or the job's last record, when it is finished),
 * within {@code GOZO_RESULT_SCAN_TIMEOUT_MS}.
 *
 * <p>{@value #THREADS} threads do the reads, each with one consumer of its own kept for its life
 * (never one per client), with at most {@value #MAX_PENDING} reads waiting; more are refused (the
 * client gets 503). Clients asking for the same finished job at once share one read.
 */
@Singleton
public final class KafkaStreamReplay implements StreamReplay {

  static final int THREADS = 2;
  static final int MAX_PENDING = 64;

  private final GatewayConfig config;
  private final Duration timeout;
  private final List<KafkaConsumer<String, byte[]>> consumers = new CopyOnWriteArrayList<>();
  private final ThreadLocal<KafkaConsumer<String, byte[]>> consumer =
      ThreadLocal.withInitial(this::newConsumer);
  private final Map<String, CompletableFuture<List<JobOutput>>> shared = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor reads =
      new ThreadPoolExecutor(
          THREADS,
          THREADS,
          0,
          TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(MAX_PENDING),
          dev.gozo.gateway.DaemonThreads.named("gozo-output-replay"));

  public KafkaStreamReplay(GatewayConfig config) {
    this.config = config;
    this.timeout = Duration.ofMillis(config.resultScanTimeoutMs());
  }

  @Override
  public CompletableFuture<List<JobOutput>> read(String jobId, long fromMs, EventId until) {
    if (until == null) {
      return CompletableFuture.supplyAsync(() -> scan(jobId, fromMs, null), reads);
    }
    // A finished job's stream no longer changes: one read serves everyone asking meanwhile.
    CompletableFuture<List<JobOutput>> mine = new CompletableFuture<>();
    CompletableFuture<List<JobOutput>> running = shared.putIfAbsent(jobId, mine);
    if (running != null) {
      return running;
    }
    try {
      CompletableFuture.supplyAsync(() -> scan(jobId, fromMs, until), reads)
          .whenComplete(
              (records, error) -> {
                shared.remove(jobId, mine);
                if (error != null) {
                  mine.completeExceptionally(error);
                } else {
                  mine.complete(records);
                }
              });
    } catch (RuntimeException e) {
      shared.remove(jobId, mine);
      throw e;
    }
    return mine;
  }

  private List<JobOutput> scan(String jobId, long fromMs, EventId until) {
    KafkaConsumer<String, byte[]> kafka = consumer.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    List<PartitionInfo> partitions = kafka.partitionsFor(config.topicOutput(), timeout);
    if (partitions == null || partitions.isEmpty()) {
      throw new IllegalStateException("the topic " + config.topicOutput() + " has no partitions");
    }
    TopicPartition partition =
        new TopicPartition(config.topicOutput(), KeyScan.partitionOf(jobId, partitions.size()));
    kafka.assign(List.of(partition));
    long end = kafka.endOffsets(List.of(partition), timeout).get(partition);
    OffsetAndTimestamp start =
        kafka.offsetsForTimes(Map.of(partition, fromMs), timeout).get(partition);
    List<JobOutput> records = new ArrayList<>();
    if (start == null || start.offset() >= end) {
      return records;
    }
    kafka.seek(partition, start.offset());
    while (kafka.position(partition, timeout) < end) {
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException(
            new TimeoutException(
                "reading " + partition + " did not reach offset " + end + " within " + timeout));
      }
      for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(100))) {
        if (record.offset() >= end) {
          return records;
        }
        if (!jobId.equals(record.key()) || record.value() == null) {
          continue;
        }
        JobOutput output = parse(record.value());
        if (output == null) {
          continue;
        }
        records.add(output);
        if (until != null
            && Math.max(1, output.getDeliveryAttempt()) == until.attempt()
            && until.seq() > 0
            && output.getSeq() >= until.seq()) {
          return records; // the finished job's last record: nothing of it comes later
        }
      }
    }
    return records;
  }

  private static JobOutput parse(byte[] value) {
    try {
      return JobOutput.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gozo-gateway-output-replay");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * 1024 * 1024);
    KafkaConsumer<String, byte[]> created =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumers.add(created);
    return created;
  }

  @PreDestroy
  void close() {
    reads.shutdownNow();
    try {
      reads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumers.forEach(c -> c.close(Duration.ofSeconds(2)));
  }
}
