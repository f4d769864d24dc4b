package dev.gozo.gateway.progress;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.jobs.JobEventHeaders;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.gateway.kafka.AllPartitionsReader;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
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
 * The reading loop (a thread of its own, retries while Kafka is away, partitions added later) is
 * {@link AllPartitionsReader}'s.
 *
 * <p>This class only moves records: what a record means is {@link RecordApplier}'s decision, and
 * when the start-up read is complete is {@link ResultsReplay}'s, both tested without Kafka.
 */
@Context
public final class KafkaProgressConsumer implements ProgressFeed {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaProgressConsumer.class);

  /** How long {@link #stop()} waits for the reader's thread; then it is left to the JVM. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

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
  private final AllPartitionsReader reader;

  public KafkaProgressConsumer(JobStateStore store, GatewayConfig config) {
    this.config = config;
    this.applier = new RecordApplier(store, config.topicResults());
    this.replay = new ResultsReplay(store);
    this.reader =
        new AllPartitionsReader(
            "progress consumer",
            properties(config),
            Duration.ofMillis(config.kafkaTimeoutMs()),
            new Reading());
  }

  @Override
  @PostConstruct
  public void start() {
    reader.start();
  }

  @Override
  @PreDestroy
  public void stop() {
    reader.stop(STOP_WAIT);
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

  /**
   * Results from the beginning (compacted: one per job), with the start-up replay tracked; events
   * from {@code eventsReplayMs} ago at start-up, from the beginning for a partition added later.
   */
  private final class Reading implements AllPartitionsReader.Reading {

    @Override
    public List<String> topics() {
      return List.of(config.topicResults(), config.topicEvents());
    }

    @Override
    public boolean canStart(Map<String, List<TopicPartition>> found) {
      return !found.get(config.topicResults()).isEmpty();
    }

    @Override
    public void place(
        Consumer<byte[], byte[]> consumer, Map<String, List<TopicPartition>> added, boolean first) {
      // Careful: seekToBeginning/seekToEnd with an EMPTY collection move EVERY partition.
      List<TopicPartition> newResults = added.getOrDefault(config.topicResults(), List.of());
      List<TopicPartition> newEvents = added.getOrDefault(config.topicEvents(), List.of());
      if (!newResults.isEmpty()) {
        consumer.seekToBeginning(newResults);
      }
      if (first) {
        if (!newResults.isEmpty()) {
          replay.expect(consumer.endOffsets(newResults));
        }
        seekEventsToReplayWindow(consumer, newEvents);
      } else if (!newEvents.isEmpty()) {
        consumer.seekToBeginning(newEvents); // a partition added now holds only new events
      }
    }

    @Override
    public void onRecord(ConsumerRecord<byte[], byte[]> record) {
      apply(record);
    }

    @Override
    public void afterPoll(Consumer<byte[], byte[]> consumer) {
      replay.check(consumer::position);
    }
  }

  private void seekEventsToReplayWindow(
      Consumer<byte[], byte[]> consumer, List<TopicPartition> events) {
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
