package dev.gozo.gateway.results;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.gateway.GatewayConfig;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobEvent;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the results and events topics into the {@link JobStateStore}.
 *
 * <p>No consumer group: each gateway assigns itself all partitions and keeps no offsets, because
 * each must see every job (any gateway answers for any job). At start-up the results topic is read
 * from the beginning (it is compacted: one result per job), so finished jobs stay readable across
 * restarts; the events topic only from {@code eventsReplayMs} ago, enough for jobs still running.
 * Partitions added later are picked up by a refresh every minute.
 *
 * <p>One thread owns the consumer (KafkaConsumer is not thread-safe); {@link #stop()} wakes it and
 * waits for it to close the consumer. While Kafka is unreachable the thread keeps retrying.
 */
@Context
public final class KafkaProgressConsumer implements ProgressFeed {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaProgressConsumer.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long REFRESH_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final JobStateStore store;
  private final GatewayConfig config;
  private final Object lifecycle = new Object();
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;
  private volatile boolean running;
  private boolean healthy = true; // only touched by the consumer thread

  /** Results partitions and the offset they ended at when assigned; emptied as they are reached. */
  private final Map<TopicPartition, Long> replayTargets = new HashMap<>();

  public KafkaProgressConsumer(JobStateStore store, GatewayConfig config) {
    this.store = store;
    this.config = config;
  }

  @Override
  @PostConstruct
  public void start() {
    synchronized (lifecycle) {
      if (thread != null) {
        return;
      }
      consumer = new KafkaConsumer<>(properties(config));
      running = true;
      thread = new Thread(this::run, "gozo-progress-consumer");
      thread.setDaemon(true);
      thread.start();
    }
  }

  @Override
  @PreDestroy
  public void stop() {
    Thread worker;
    synchronized (lifecycle) {
      if (thread == null || !running) {
        return;
      }
      running = false;
      worker = thread;
    }
    consumer.wakeup();
    try {
      worker.join(TimeUnit.SECONDS.toMillis(10));
      if (worker.isAlive()) {
        LOG.warn("progress consumer did not stop within 10 s; leaving it to the JVM");
      } else {
        LOG.info("progress consumer stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Properties properties(GatewayConfig config) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gozo-gateway-progress-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A worker that writes results in transactions must never show us an aborted one.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) Math.max(5000, config.kafkaTimeoutMs()));
    props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    // One fetch is parsed on the heap at once: while replaying the results topic at start-up the
    // default (50 MiB) would be a third of the heap scripts/run gives the gateway. A single
    // larger record still comes through (Kafka always returns at least one batch).
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 * 1024 * 1024);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  private void run() {
    long nextRefresh = System.nanoTime();
    try {
      while (running) {
        try {
          if (System.nanoTime() - nextRefresh >= 0) {
            nextRefresh = System.nanoTime() + (assignAll() ? REFRESH_NANOS : RETRY_NANOS);
          }
          if (consumer.assignment().isEmpty()) {
            LockSupport.parkNanos(RETRY_NANOS);
            continue;
          }
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            apply(record);
          }
          checkReplayed();
          if (!healthy) {
            LOG.info("progress consumer: reading again");
            healthy = true;
          }
        } catch (WakeupException e) {
          // stop() was called; the loop condition ends the thread.
        } catch (KafkaException e) {
          // Once per outage at WARN; the retries in between are noise.
          if (healthy) {
            LOG.warn("progress consumer: {}; retrying until Kafka answers", e.toString());
          } else {
            LOG.debug("progress consumer: {}; retrying", e.toString());
          }
          healthy = false;
          LockSupport.parkNanos(RETRY_NANOS);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("progress consumer failed; job states will no longer update", e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Assigns any partition not yet assigned; false when the results topic is not available. */
  private boolean assignAll() {
    Duration timeout = Duration.ofMillis(config.kafkaTimeoutMs());
    List<TopicPartition> results = partitions(config.topicResults(), timeout);
    List<TopicPartition> events = partitions(config.topicEvents(), timeout);
    if (results.isEmpty()) {
      if (healthy) {
        LOG.warn("topic {} not found; retrying until it exists", config.topicResults());
      }
      healthy = false;
      return false;
    }
    boolean first = consumer.assignment().isEmpty();
    Set<TopicPartition> current = new HashSet<>(consumer.assignment());
    List<TopicPartition> newResults = results.stream().filter(tp -> !current.contains(tp)).toList();
    List<TopicPartition> newEvents = events.stream().filter(tp -> !current.contains(tp)).toList();
    if (newResults.isEmpty() && newEvents.isEmpty()) {
      return true;
    }
    Set<TopicPartition> all = new HashSet<>(current);
    all.addAll(newResults);
    all.addAll(newEvents);
    consumer.assign(all);
    // Careful: seekToBeginning/seekToEnd with an EMPTY collection move EVERY assigned partition.
    if (!newResults.isEmpty()) {
      consumer.seekToBeginning(newResults);
    }
    if (first) {
      if (!newResults.isEmpty()) {
        replayTargets.putAll(consumer.endOffsets(newResults));
      }
      seekEventsToReplayWindow(newEvents);
    } else if (!newEvents.isEmpty()) {
      consumer.seekToBeginning(newEvents); // a partition added now holds only new events
    }
    LOG.info("reading {} results and {} events partitions", newResults.size(), newEvents.size());
    return !events.isEmpty();
  }

  private List<TopicPartition> partitions(String topic, Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    List<TopicPartition> partitions = new ArrayList<>();
    if (infos != null) {
      infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
    }
    return partitions;
  }

  private void seekEventsToReplayWindow(List<TopicPartition> events) {
    if (events.isEmpty()) {
      return;
    }
    long since = System.currentTimeMillis() - config.eventsReplayMs();
    Map<TopicPartition, Long> query = new HashMap<>();
    events.forEach(tp -> query.put(tp, since));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
    List<TopicPartition> toEnd = new ArrayList<>();
    for (TopicPartition tp : events) {
      OffsetAndTimestamp offset = offsets.get(tp);
      if (offset == null) {
        toEnd.add(tp); // nothing that recent
      } else {
        consumer.seek(tp, offset.offset());
      }
    }
    if (!toEnd.isEmpty()) {
      consumer.seekToEnd(toEnd); // an empty list would move the results partitions too
    }
  }

  private void checkReplayed() {
    if (store.isReplayed()) {
      return;
    }
    replayTargets
        .entrySet()
        .removeIf(target -> consumer.position(target.getKey()) >= target.getValue());
    if (replayTargets.isEmpty()) {
      store.markReplayed();
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return; // a tombstone: compaction removed the job's result, nothing to record
    }
    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    if (isQueuedEvent(record) && store.knows(key)) {
      // Most likely our own: recorded when it was submitted here. Saves decoding one event per job.
      return;
    }
    try {
      if (record.topic().equals(config.topicResults())) {
        JobCompleted result = JobCompleted.parseFrom(record.value());
        if (result.getJobId().isEmpty()) {
          result = result.toBuilder().setJobId(key).build();
        }
        store.recordCompleted(result);
      } else {
        applyEvent(JobEvent.parseFrom(record.value()));
      }
    } catch (InvalidProtocolBufferException e) {
      LOG.warn(
          "skipping unreadable record {}-{}@{} (key {})",
          record.topic(),
          record.partition(),
          record.offset(),
          key);
    }
  }

  private static boolean isQueuedEvent(ConsumerRecord<byte[], byte[]> record) {
    org.apache.kafka.common.header.Header kind =
        record.headers().lastHeader(dev.gozo.gateway.intake.KafkaJobPublisher.KIND_HEADER);
    return kind != null
        && java.util.Arrays.equals(kind.value(), dev.gozo.gateway.intake.KafkaJobPublisher.QUEUED_KIND);
  }

  private void applyEvent(JobEvent event) {
    switch (event.getKindCase()) {
      case QUEUED ->
          store.recordQueued(
              event.getJobId(),
              event.getTenant(),
              event.getQueued().getLanguage(),
              event.getQueued().getVersion(),
              event.getAtMs());
      case STARTED ->
          store.recordStarted(
              event.getJobId(),
              event.getTenant(),
              event.getStarted().getWorkerId(),
              event.getAtMs());
      default -> {
        // An event kind newer than this gateway: nothing to record.
      }
    }
  }
}
