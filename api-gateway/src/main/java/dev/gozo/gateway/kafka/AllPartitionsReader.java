package dev.gozo.gateway.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of some topics on a thread of its own, with no consumer group and no
 * offsets: every gateway must see every job's records, whichever gateway the job came through.
 * Partitions that appear later are picked up by a refresh every minute; while Kafka or a topic is
 * missing the thread retries every second and says so once per outage.
 *
 * <p>What to do with the partitions found and with each record is the {@link Reading}'s: where a
 * new partition starts (its beginning, its end, a time), and what a record means. One thread owns
 * the consumer (KafkaConsumer is not thread-safe); {@link #stop} wakes it and waits for it to close
 * the consumer.
 */
public final class AllPartitionsReader {

  /** What one reader reads and how: the gateway's progress feed, its live output feed. */
  public interface Reading {

    /** The topics to read, every partition of each. */
    List<String> topics();

    /**
     * Whether reading can start with the partitions found so far (topic -> its partitions, empty
     * for a topic that does not exist yet); when false, nothing is assigned and the lookup is
     * retried in a second.
     */
    boolean canStart(Map<String, List<TopicPartition>> found);

    /**
     * Positions partitions that were just assigned (topic -> new partitions, only non-empty lists);
     * {@code first} when none were assigned before, at start-up.
     */
    void place(
        Consumer<byte[], byte[]> consumer, Map<String, List<TopicPartition>> added, boolean first);

    void onRecord(ConsumerRecord<byte[], byte[]> record);

    /** After each poll, with the consumer still the reader's (a start-up replay's progress). */
    default void afterPoll(Consumer<byte[], byte[]> consumer) {}
  }

  private static final Logger LOG = LoggerFactory.getLogger(AllPartitionsReader.class);

  /** How long one poll waits for records; also how soon the loop notices a wake-up. */
  private static final Duration POLL = Duration.ofMillis(500);

  /** How often partitions added to the topics are looked for; adding them is a rare operation. */
  private static final long REFRESH_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** The pause between attempts while Kafka or a topic is missing. */
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How long closing the consumer may take; it has no offsets to commit, only sockets. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

  private final String name;
  private final Properties properties;
  private final Duration metadataTimeout;
  private final Reading reading;
  private final Object lifecycle = new Object();
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;
  private volatile boolean running;
  private boolean healthy = true; // only touched by the reader's thread

  /**
   * @param name for the thread and the log ("progress consumer")
   * @param properties the consumer's (byte[] keys and values, no group)
   * @param metadataTimeout how long looking up a topic's partitions may take
   */
  public AllPartitionsReader(
      String name, Properties properties, Duration metadataTimeout, Reading reading) {
    this.name = name;
    this.properties = properties;
    this.metadataTimeout = metadataTimeout;
    this.reading = reading;
  }

  /** Starts the thread; a second call does nothing. */
  public void start() {
    synchronized (lifecycle) {
      if (thread != null) {
        return;
      }
      consumer = new KafkaConsumer<>(properties);
      running = true;
      thread = new Thread(this::run, "gozo-" + name.replace(' ', '-'));
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Stops the thread, waiting up to {@code timeout}; then it is left to the JVM (a daemon). */
  public void stop(Duration timeout) {
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
      worker.join(timeout.toMillis());
      if (worker.isAlive()) {
        LOG.warn("{} did not stop within {} s; leaving it to the JVM", name, timeout.toSeconds());
      } else {
        LOG.info("{} stopped", name);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
            reading.onRecord(record);
          }
          reading.afterPoll(consumer);
          if (!healthy) {
            LOG.info("{}: reading again", name);
            healthy = true;
          }
        } catch (WakeupException e) {
          // stop() was called; the loop condition ends the thread.
        } catch (KafkaException e) {
          // Once per outage at WARN; the retries in between are noise.
          if (healthy) {
            LOG.warn("{}: {}; retrying until Kafka answers", name, e.toString());
          } else {
            LOG.debug("{}: {}; retrying", name, e.toString());
          }
          healthy = false;
          LockSupport.parkNanos(RETRY_NANOS);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("{} failed; it reads no more records", name, e);
    } finally {
      consumer.close(CLOSE_TIMEOUT);
    }
  }

  /**
   * Assigns every partition not yet assigned and has the reading place the new ones. False when it
   * should look again soon: reading cannot start yet, or a topic is still missing.
   */
  private boolean assignAll() {
    Map<String, List<TopicPartition>> found = new LinkedHashMap<>();
    for (String topic : reading.topics()) {
      found.put(topic, partitions(topic));
    }
    if (!reading.canStart(found)) {
      if (healthy) {
        LOG.warn("{}: topics {} not all found; retrying until they exist", name, found.keySet());
      }
      healthy = false;
      return false;
    }
    boolean first = consumer.assignment().isEmpty();
    Set<TopicPartition> current = new HashSet<>(consumer.assignment());
    Map<String, List<TopicPartition>> added = new LinkedHashMap<>();
    found.forEach(
        (topic, partitions) -> {
          List<TopicPartition> fresh =
              partitions.stream().filter(tp -> !current.contains(tp)).toList();
          if (!fresh.isEmpty()) {
            added.put(topic, fresh);
          }
        });
    if (!added.isEmpty()) {
      Set<TopicPartition> all = new HashSet<>(current);
      added.values().forEach(all::addAll);
      consumer.assign(all);
      reading.place(consumer, added, first);
      LOG.info("{}: reading {}", name, describe(added));
    }
    return found.values().stream().noneMatch(List::isEmpty);
  }

  private List<TopicPartition> partitions(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, metadataTimeout);
    List<TopicPartition> partitions = new ArrayList<>();
    if (infos != null) {
      infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
    }
    return partitions;
  }

  private static String describe(Map<String, List<TopicPartition>> added) {
    List<String> parts = new ArrayList<>();
    added.forEach((topic, partitions) -> parts.add(partitions.size() + " partitions of " + topic));
    return String.join(", ", parts);
  }
}
