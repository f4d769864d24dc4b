package dev.gozo.gateway.progress;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.jobs.JobEventHeaders;
import dev.gozo.gateway.jobs.JobStateStore;
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
import org.apache.kafka.common.header.Header;
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
 *
 * <p>This class only moves records: what a record means is {@link RecordApplier}'s decision, and
 * when the start-up read is complete is {@link ResultsReplay}'s, both tested without Kafka.
 */
@Context
public final class KafkaProgressConsumer implements ProgressFeed {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaProgressConsumer.class);

  /** How long one poll waits for records; also how soon the loop notices a wake-up. */
  private static final Duration POLL = Duration.ofMillis(500);

  /** How often partitions added to the topics are looked for; adding them is a rare operation. */
  private static final long REFRESH_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** The pause between attempts while Kafka or the results topic is missing. */
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How long {@link #stop()} waits for the thread; then the daemon thread is left to the JVM. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  /** How long closing the consumer may take; it has no offsets to commit, only sockets. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The floor under the consumer's default API timeout: its metadata and offset look-ups at
   * start-up need more than the few hundred milliseconds a producer send is allowed.
   */
  private static final int MIN_API_TIMEOUT_MS = 5000;

  /** The longest pause between reconnects, so a broker that comes back is read within a second. */
  private static final int RECONNECT_BACKOFF_MAX_MS = 1000;

  /**
   * One fetch is parsed on the heap at once: while replaying the results topic at start-up the
   * default (50 MiB) would be a third of the heap scripts/run gives the gateway. A single larger
   * record still comes through (Kafka always returns at least one batch).
   */
  private static final int FETCH_MAX_BYTES = 8 * 1024 * 1024;

  private final GatewayConfig config;
  private final RecordApplier applier;
  private final ResultsReplay replay;
  private final Object lifecycle = new Object();
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;
  private volatile boolean running;
  private boolean healthy = true; // only touched by the consumer thread

  public KafkaProgressConsumer(JobStateStore store, GatewayConfig config) {
    this.config = config;
    this.applier = new RecordApplier(store, config.topicResults());
    this.replay = new ResultsReplay(store);
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
      worker.join(STOP_WAIT.toMillis());
      if (worker.isAlive()) {
        LOG.warn(
            "progress consumer did not stop within {} s; leaving it to the JVM",
            STOP_WAIT.toSeconds());
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
        (int) Math.max(MIN_API_TIMEOUT_MS, config.kafkaTimeoutMs()));
    props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, RECONNECT_BACKOFF_MAX_MS);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES);
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
          replay.check(consumer::position);
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
      consumer.close(CLOSE_TIMEOUT);
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
        replay.expect(consumer.endOffsets(newResults));
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

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    Header kind = record.headers().lastHeader(JobEventHeaders.KIND);
    RecordApplier.Outcome outcome =
        applier.apply(
            record.topic(), record.key(), record.value(), kind == null ? null : kind.value());
    if (outcome == RecordApplier.Outcome.UNREADABLE) {
      LOG.warn(
          "skipping unreadable record {}-{}@{} (key {})",
          record.topic(),
          record.partition(),
          record.offset(),
          record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8));
    }
  }
}
