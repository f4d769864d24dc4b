package dev.gozo.gateway.live;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.kafka.AllPartitionsReader;
import dev.gozo.protocol.v1.JobOutput;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed: reads every partition of the output topic from its end (no consumer group, no
 * offsets: every gateway sees every job's output) and hands each record to the {@link LiveHub}.
 * What was published before the gateway started is read back per job when a client asks ({@link
 * KafkaStreamReplay}). One thread owns the consumer; it only decodes and appends, so no client can
 * slow it. The reading loop is {@link AllPartitionsReader}'s.
 */
@Context
public final class KafkaOutputConsumer implements OutputFeed, AllPartitionsReader.Reading {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaOutputConsumer.class);

  /** How long {@link #stop()} waits for the reader's thread. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  /** Metadata and offset look-ups at start-up need more than a producer send is allowed. */
  private static final int MIN_API_TIMEOUT_MS = 5000;

  /** Output is read as it comes: a fetch returns as soon as anything is there. */
  private static final int FETCH_MAX_WAIT_MS = 100;

  /** One fetch parsed on the heap at once; output chunks are at most 32 KiB each. */
  private static final int FETCH_MAX_BYTES = 4 * 1024 * 1024;

  private final GatewayConfig config;
  private final LiveHub hub;
  private final AllPartitionsReader reader;

  public KafkaOutputConsumer(LiveHub hub, GatewayConfig config) {
    this.hub = hub;
    this.config = config;
    this.reader =
        new AllPartitionsReader(
            "output consumer",
            properties(config),
            Duration.ofMillis(config.kafkaTimeoutMs()),
            this);
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
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gozo-gateway-output-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) Math.max(MIN_API_TIMEOUT_MS, config.kafkaTimeoutMs()));
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES);
    props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  @Override
  public List<String> topics() {
    return List.of(config.topicOutput());
  }

  @Override
  public boolean canStart(Map<String, List<TopicPartition>> found) {
    return !found.get(config.topicOutput()).isEmpty();
  }

  /**
   * At start-up from the end (what came before is replayed per job on request), and the hub hears
   * from when on it has seen everything; a partition added later holds only new records.
   */
  @Override
  public void place(
      Consumer<byte[], byte[]> consumer, Map<String, List<TopicPartition>> added, boolean first) {
    List<TopicPartition> partitions = added.get(config.topicOutput());
    if (first) {
      long before = System.currentTimeMillis();
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // fix the positions now: from here on we see it all
      hub.liveSince(before);
    } else {
      consumer.seekToBeginning(partitions);
    }
  }

  @Override
  public void onRecord(ConsumerRecord<byte[], byte[]> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    try {
      hub.onRecord(
          new String(record.key(), StandardCharsets.UTF_8), JobOutput.parseFrom(record.value()));
    } catch (InvalidProtocolBufferException e) {
      LOG.warn(
          "skipping unreadable output record {}-{}@{}",
          record.topic(),
          record.partition(),
          record.offset());
    }
  }
}
