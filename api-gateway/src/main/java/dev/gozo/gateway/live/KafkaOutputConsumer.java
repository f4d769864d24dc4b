package dev.gozo.gateway.live;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.gateway.GatewayConfig;
import dev.gozo.protocol.v1.JobOutput;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed: reads every partition of the output topic from its end (no consumer group, no
 * offsets: every gateway sees every job's output) and hands each record to the {@link LiveHub}.
 * What was published before the gateway started is read back per job when a client asks ({@link
 * KafkaStreamReplay}). One thread owns the consumer; it only decodes and appends, so no client can
 * slow it. Partitions added later are picked up by a refresh every minute.
 */
@Context
public final class KafkaOutputConsumer implements OutputFeed {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaOutputConsumer.class);

  /** How long one poll waits; also how soon the loop notices a stop. */
  private static final Duration POLL = Duration.ofMillis(500);

  /** How often partitions added to the topic are looked for. */
  private static final long REFRESH_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** The pause between attempts while Kafka or the topic is missing. */
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How long {@link #stop()} waits for the thread. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  /** Metadata and offset look-ups at start-up need more than a producer send is allowed. */
  private static final int MIN_API_TIMEOUT_MS = 5000;

  /** Output is read as it comes: a fetch returns as soon as anything is there. */
  private static final int FETCH_MAX_WAIT_MS = 100;

  /** One fetch parsed on the heap at once; output chunks are at most 32 KiB each. */
  private static final int FETCH_MAX_BYTES = 4 * 1024 * 1024;

  private final GatewayConfig config;
  private final LiveHub hub;
  private final Object lifecycle = new Object();
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;
  private volatile boolean running;

  public KafkaOutputConsumer(LiveHub hub, GatewayConfig config) {
    this.hub = hub;
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
      thread = new Thread(this::run, "gozo-output-consumer");
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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

  private void run() {
    long nextRefresh = System.nanoTime();
    boolean healthy = true;
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
          healthy = true;
        } catch (WakeupException e) {
          // stop() was called; the loop condition ends the thread.
        } catch (KafkaException e) {
          if (healthy) {
            LOG.warn("output consumer: {}; retrying until Kafka answers", e.toString());
          }
          healthy = false;
          LockSupport.parkNanos(RETRY_NANOS);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("output consumer failed; live streams will no longer update", e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Assigns partitions not yet assigned, from their end; false when the topic is missing. */
  private boolean assignAll() {
    List<PartitionInfo> infos =
        consumer.partitionsFor(config.topicOutput(), Duration.ofMillis(config.kafkaTimeoutMs()));
    if (infos == null || infos.isEmpty()) {
      LOG.warn("topic {} not found; retrying until it exists", config.topicOutput());
      return false;
    }
    Set<TopicPartition> current = new HashSet<>(consumer.assignment());
    List<TopicPartition> added =
        infos.stream()
            .map(info -> new TopicPartition(info.topic(), info.partition()))
            .filter(tp -> !current.contains(tp))
            .toList();
    if (added.isEmpty()) {
      return true;
    }
    boolean first = current.isEmpty();
    current.addAll(added);
    consumer.assign(current);
    if (first) {
      long before = System.currentTimeMillis();
      consumer.seekToEnd(added);
      added.forEach(consumer::position); // fix the positions now: from here on we see it all
      hub.liveSince(before);
    } else {
      consumer.seekToBeginning(added); // a partition added now holds only new records
    }
    LOG.info("reading {} output partitions", added.size());
    return true;
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
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
