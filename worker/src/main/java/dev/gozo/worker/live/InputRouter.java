package dev.gozo.worker.live;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.protocol.v1.JobInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads all of gozo.input and hands each record to the job it is for, if this worker runs it. Every
 * worker reads every record (no group): input must reach the one worker running the job, wherever
 * the share group delivered it.
 *
 * <p>Records for a job not running here are kept a while, within bounds, because the job may still
 * be queued and come to this worker (a client may type before the program starts). Cancels are
 * remembered as ids, so a cancelled job that is delivered later is answered without running. At
 * start the topic is read from {@code lookback} ago, so a restarted worker knows of recent cancels
 * and input too.
 */
final class InputRouter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InputRouter.class);

  /** Input kept per job that does not run here yet, and for all such jobs together. */
  static final long WAITING_BYTES_PER_JOB = 1024 * 1024;

  static final long WAITING_BYTES_TOTAL = 32 * 1024 * 1024;

  /** Cancelled ids remembered (oldest forgotten first): ids are small, a job is not. */
  static final int CANCELS_KEPT = 200_000;

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration RETRY = Duration.ofSeconds(2);

  private final Object lock = new Object();
  private final Map<String, KafkaLiveJob> running = new HashMap<>();
  private final LinkedHashMap<String, Waiting> waiting = new LinkedHashMap<>();
  private long waitingBytes;
  // Keyed by job id and tenant together: another tenant's cancel of the same id must not
  // replace (or count as) the owner's.
  private final LinkedHashMap<String, Boolean> cancels =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > CANCELS_KEPT;
        }
      };

  private final String bootstrap;
  private final String topic;
  private final Duration lookback;
  private final Thread thread;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile boolean closed;

  InputRouter(String bootstrap, String topic, Duration lookback) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.lookback = lookback;
    this.thread = new Thread(this::loop, "gozo-input-router");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** The job runs here from now on: it gets what arrived for it already, then what follows. */
  void register(KafkaLiveJob job) {
    synchronized (lock) {
      running.put(job.jobId(), job);
      Waiting early = waiting.remove(job.jobId());
      if (early != null) {
        waitingBytes -= early.bytes;
        early.inputs.forEach(job::deliver);
      }
      if (cancels.containsKey(cancelKey(job.jobId(), job.tenant()))) {
        job.deliver(cancelRecord(job.jobId(), job.tenant()));
      }
    }
  }

  void unregister(KafkaLiveJob job) {
    synchronized (lock) {
      running.remove(job.jobId(), job);
    }
  }

  boolean cancelled(String jobId, String tenant) {
    synchronized (lock) {
      return cancels.containsKey(cancelKey(jobId, tenant));
    }
  }

  /** Routes one record (the consumer's thread, or a test). */
  void route(JobInput input) {
    synchronized (lock) {
      if (input.hasCancel()) {
        cancels.put(cancelKey(input.getJobId(), input.getTenant()), Boolean.TRUE);
      }
      KafkaLiveJob job = running.get(input.getJobId());
      if (job != null) {
        job.deliver(input);
      } else if (!input.hasCancel()) {
        keepForLater(input);
      }
    }
  }

  private void keepForLater(JobInput input) {
    long size = input.getSerializedSize();
    Waiting entry = waiting.computeIfAbsent(input.getJobId(), id -> new Waiting());
    if (entry.bytes + size > WAITING_BYTES_PER_JOB) {
      LOG.warn("job {}: more input before it started than is kept; dropping", input.getJobId());
      return;
    }
    entry.inputs.add(input);
    entry.bytes += size;
    waitingBytes += size;
    // Over the total: forget the jobs that waited longest (insertion order).
    Iterator<Map.Entry<String, Waiting>> oldest = waiting.entrySet().iterator();
    while (waitingBytes > WAITING_BYTES_TOTAL && oldest.hasNext()) {
      Map.Entry<String, Waiting> dropped = oldest.next();
      waitingBytes -= dropped.getValue().bytes;
      oldest.remove();
      LOG.warn("job {}: input kept for it was dropped (too much waiting)", dropped.getKey());
    }
  }

  private static String cancelKey(String jobId, String tenant) {
    return jobId + '\n' + tenant;
  }

  private static JobInput cancelRecord(String jobId, String tenant) {
    return JobInput.newBuilder()
        .setJobId(jobId)
        .setTenant(tenant)
        .setCancel(dev.gozo.protocol.v1.CancelRequest.getDefaultInstance())
        .build();
  }

  private void loop() {
    while (!closed) {
      try (KafkaConsumer<String, byte[]> reader = newConsumer()) {
        consumer = reader;
        if (!assignAll(reader)) {
          sleep(RETRY);
          continue;
        }
        while (!closed) {
          for (ConsumerRecord<String, byte[]> record : reader.poll(POLL)) {
            accept(record);
          }
        }
      } catch (WakeupException e) {
        // closing
      } catch (KafkaException e) {
        LOG.warn("reading {} failed; retrying: {}", topic, e.toString());
        sleep(RETRY);
      }
    }
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    try {
      JobInput input = JobInput.parseFrom(record.value() == null ? new byte[0] : record.value());
      if (input.getJobId().isEmpty() && record.key() != null) {
        input = input.toBuilder().setJobId(record.key()).build();
      }
      if (!input.getJobId().isEmpty()) {
        route(input);
      }
    } catch (InvalidProtocolBufferException e) {
      LOG.warn("skipping a record of {} that is not a JobInput (key {})", topic, record.key());
    }
  }

  /** Assigns every partition, positioned {@code lookback} ago; false when the topic is missing. */
  private boolean assignAll(KafkaConsumer<String, byte[]> reader) {
    List<PartitionInfo> infos = reader.partitionsFor(topic, Duration.ofSeconds(10));
    if (infos == null || infos.isEmpty()) {
      LOG.warn("topic {} not found; input and cancels cannot reach jobs until it exists", topic);
      return false;
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    reader.assign(partitions);
    long from = System.currentTimeMillis() - lookback.toMillis();
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(partition -> times.put(partition, from));
    Map<TopicPartition, OffsetAndTimestamp> offsets = reader.offsetsForTimes(times);
    Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
    for (TopicPartition partition : partitions) {
      OffsetAndTimestamp found = offsets.get(partition);
      reader.seek(partition, found == null ? ends.get(partition) : found.offset());
    }
    LOG.info("reading {} ({} partitions) from {} ms ago", topic, partitions.size(), lookback);
    return true;
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gozo-worker-input");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Input is on an interactive user's latency path: answer a fetch as soon as a byte is there.
    props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 * 1024 * 1024);
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    KafkaConsumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Waiting {
    final List<JobInput> inputs = new ArrayList<>();
    long bytes;
  }
}
