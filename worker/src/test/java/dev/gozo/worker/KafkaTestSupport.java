package dev.gozo.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real broker for integration tests: scripts/test starts one and exports its address as
 * GOZO_TEST_KAFKA_BOOTSTRAP. Each test class gets its own topics and share group, so classes
 * cannot see each other's jobs.
 */
public final class KafkaTestSupport implements AutoCloseable {

  public final String bootstrap;
  public final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8);
  public final String jobs = prefix + ".jobs";
  public final String events = prefix + ".events";
  public final String results = prefix + ".results";
  public final String group = prefix + "-workers";
  private final Admin admin;
  private final KafkaProducer<String, byte[]> producer;

  public KafkaTestSupport() throws Exception {
    bootstrap = System.getenv("GOZO_TEST_KAFKA_BOOTSTRAP");
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalStateException(
          "GOZO_TEST_KAFKA_BOOTSTRAP is not set: run the tests through ./scripts/test");
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    admin = Admin.create(props);
    admin
        .createTopics(
            List.of(
                new NewTopic(jobs, 3, (short) 1),
                new NewTopic(events, 3, (short) 1),
                new NewTopic(results, 3, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact"))))
        .all()
        .get();
    admin
        .incrementalAlterConfigs(
            Map.of(
                new ConfigResource(ConfigResource.Type.GROUP, group),
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry("share.auto.offset.reset", "earliest"),
                        AlterConfigOp.OpType.SET))))
        .all()
        .get();
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
  }

  public WorkerConfig workerConfig(String workerId, int concurrency) {
    return new WorkerConfig(
        workerId, bootstrap, jobs, events, results, group, concurrency, 3,
        Duration.ofSeconds(10), "", "unix:///var/run/docker.sock", 1, "", 1.0, Duration.ofSeconds(10), "python,bash", "/sys/fs/cgroup", "", 50,
        Duration.ofMinutes(1), Duration.ofMinutes(15));
  }

  public void publishJob(String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(jobs, key, value)).get();
  }

  /** Results for one job id, waiting the full timeout to catch duplicates (up to max). */
  public List<ConsumerRecord<String, byte[]>> readResultsFor(String jobId, int max, Duration timeout) {
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

  @Override
  public void close() throws Exception {
    producer.close();
    admin.deleteTopics(List.of(jobs, events, results)).all().get();
    admin.close();
  }
}
