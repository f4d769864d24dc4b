package dev.gozo.worker;

import dev.gozo.testsupport.TestKafka;
import dev.gozo.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real broker for integration tests, the test JVM's one {@link TestKafka}. Each test class gets
 * its own topics and share group, as {@link dev.gozo.topics.Topics} defines them, so classes cannot
 * see each other's jobs.
 */
public final class KafkaTestSupport implements AutoCloseable {

  public final String bootstrap;
  public final String prefix;
  public final String jobs;
  public final String events;
  public final String results;
  public final String output;
  public final String input;
  public final String group;
  private final Topics topics;
  private final KafkaProducer<String, byte[]> producer;

  public KafkaTestSupport() throws Exception {
    bootstrap = TestKafka.bootstrap();
    topics = TestKafka.freshTopics("it", Map.of());
    prefix = topics.jobs().substring(0, topics.jobs().length() - ".jobs".length());
    jobs = topics.jobs();
    events = topics.events();
    results = topics.results();
    output = topics.output();
    input = topics.input();
    group = topics.shareGroup();
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
  }

  public WorkerConfig workerConfig(String workerId, int concurrency) {
    return WorkerConfig.fromEnvironment(workerEnvironment(workerId, concurrency));
  }

  /** The environment of a worker on this class's topics; tests add or replace variables. */
  public Map<String, String> workerEnvironment(String workerId, int concurrency) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("GOZO_WORKER_ID", workerId);
    env.put("GOZO_KAFKA_BOOTSTRAP", bootstrap);
    env.put("GOZO_TOPIC_JOBS", jobs);
    env.put("GOZO_TOPIC_EVENTS", events);
    env.put("GOZO_TOPIC_RESULTS", results);
    env.put("GOZO_TOPIC_OUTPUT", output);
    env.put("GOZO_TOPIC_INPUT", input);
    env.put("GOZO_SHARE_GROUP", group);
    env.put("GOZO_WORKER_CONCURRENCY", Integer.toString(concurrency));
    env.put("GOZO_SHUTDOWN_GRACE_MS", "10000");
    env.put("GOZO_LOCK_DURATION_MS", "10000");
    env.put("GOZO_WARM_LANGUAGES", "python,bash");
    // Several workers of one test run in this JVM: each its own free health port.
    env.put("GOZO_HEALTH_PORT", "0");
    return env;
  }

  public void publishJob(String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(jobs, key, value)).get();
  }

  /** Sends a JobInput record (stdin, eof, signal, cancel) as a caller would. */
  public void publishInput(String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(input, key, value)).get();
  }

  /**
   * Results for one job id, up to {@code max}: returns as soon as it has that many, so it cannot
   * tell that a job has more; {@link #readAllResultsFor} can.
   */
  public List<ConsumerRecord<String, byte[]>> readResultsFor(
      String jobId, int max, Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "-reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(results));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < max && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (jobId.equals(record.key())) {
            out.add(record);
          }
        }
      }
    }
    return out;
  }

  /**
   * Every result published for each of these job ids, read from the start of the results topic:
   * until each id has one (for at most {@code timeout}), then {@code settle} longer, so that a
   * second result for a job (published twice, or run again after a redelivery) is seen instead of
   * being cut off by a read that stops at the first.
   */
  public Map<String, List<ConsumerRecord<String, byte[]>>> readAllResultsFor(
      Collection<String> jobIds, Duration timeout, Duration settle) {
    Map<String, List<ConsumerRecord<String, byte[]>>> byJob = new LinkedHashMap<>();
    jobIds.forEach(id -> byJob.put(id, new ArrayList<>()));
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      // Assigned, not subscribed: no group, so no rebalance delays the first records.
      List<TopicPartition> partitions =
          consumer.partitionsFor(results).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean settling = false;
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          List<ConsumerRecord<String, byte[]>> forJob = byJob.get(record.key());
          if (forJob != null) {
            forJob.add(record);
          }
        }
        if (!settling && byJob.values().stream().noneMatch(List::isEmpty)) {
          settling = true;
          deadline = System.nanoTime() + settle.toNanos();
        }
      }
    }
    return byJob;
  }

  @Override
  public void close() throws Exception {
    producer.close();
    TestKafka.delete(topics);
  }
}
