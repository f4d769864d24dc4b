package dev.gozo.worker.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.SourceFile;
import dev.gozo.worker.KafkaTestSupport;
import dev.gozo.worker.WorkerMain;
import java.time.Duration;
import java.util.HashMap;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile jobs published straight to Kafka, past the gateway: the worker applies the same rules
 * (jobspec's JobValidator) and answers REJECTED without running anything. Needs the broker named by
 * GOZO_TEST_KAFKA_BOOTSTRAP.
 */
class JobRejectionIT {

  private static KafkaTestSupport kafka;
  private static WorkerMain.Worker worker;

  @BeforeAll
  static void startWorker() throws Exception {
    kafka = new KafkaTestSupport();
    worker =
        WorkerMain.Worker.start(
            kafka.workerConfig("it-hostile-" + UUID.randomUUID().toString().substring(0, 6), 2));
  }

  @AfterAll
  static void stopWorker() throws Exception {
    worker.stop();
    kafka.close();
  }

  private static SourceFile file(String name, byte[] content) {
    return SourceFile.newBuilder().setName(name).setContent(ByteString.copyFrom(content)).build();
  }

  private static SourceFile file(String name, String content) {
    return file(name, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static ExecuteJob job(String id, List<SourceFile> files) {
    return ExecuteJob.newBuilder()
        .setJobId(id)
        .setTenant("acme")
        .setLanguage("python")
        .addAllFiles(files)
        .setSubmittedAtMs(System.currentTimeMillis())
        .build();
  }

  @Test
  void shouldRejectHostileFileListsAtTheWorker() throws Exception {
    // given
    SourceFile main = file("main.py", "print('ran')\n");
    byte[] mib = new byte[1 << 20];
    List<SourceFile> tooMany = new java.util.ArrayList<>(List.of(main));
    for (int i = 0; i < 64; i++) {
      tooMany.add(file("f" + i + ".py", ""));
    }
    Map<String, List<SourceFile>> hostile = new LinkedHashMap<>();
    hostile.put("traversal", List.of(main, file("../x.py", "x")));
    hostile.put("deep-traversal", List.of(main, file("pkg/../../etc/x.py", "x")));
    hostile.put("absolute", List.of(main, file("/etc/cron.d/x", "x")));
    hostile.put("duplicate", List.of(main, file("main.py", "print('other')\n")));
    hostile.put("shell", List.of(main, file("$(reboot).py", "x")));
    hostile.put("reserved", List.of(main, file(".gozo-bin/main", "x")));
    hostile.put("too-many", tooMany);
    hostile.put(
        "huge", List.of(main, file("big.bin", java.util.Arrays.copyOf(mib, mib.length + 1))));
    hostile.put(
        "huge-in-all",
        List.of(
            main,
            file("a.bin", mib),
            file("b.bin", mib),
            file("c.bin", mib),
            file("d.bin", mib),
            file("e.bin", mib)));
    Map<String, String> ids = new HashMap<>();
    for (String name : hostile.keySet()) {
      String id = name + "-" + UUID.randomUUID();
      ids.put(name, id);
      publish(id, job(id, hostile.get(name)));
    }
    String control = "control-" + UUID.randomUUID();
    publish(control, job(control, List.of(main)));

    // when
    Map<String, JobCompleted> results = readResults(ids.size() + 1, Duration.ofSeconds(90));

    // then
    assertThat(results.get(control).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(results.get(control).getRun().getStdout().toStringUtf8()).isEqualTo("ran\n");
    Map<String, String> expectedField =
        Map.of(
            "traversal", "files[1].name",
            "deep-traversal", "files[1].name",
            "absolute", "files[1].name",
            "duplicate", "duplicate file name",
            "shell", "files[1].name",
            "reserved", "files[1].name",
            "too-many", "at most 64 files",
            "huge", "files[1].content",
            "huge-in-all", "bytes in all");
    for (Map.Entry<String, String> expected : expectedField.entrySet()) {
      JobCompleted result = results.get(ids.get(expected.getKey()));
      assertThat(result).as(expected.getKey()).isNotNull();
      assertThat(result.getStatus()).as(expected.getKey()).isEqualTo(JobStatus.REJECTED);
      assertThat(result.getMessage()).as(expected.getKey()).contains(expected.getValue());
      assertThat(result.hasRun()).as(expected.getKey() + " never ran").isFalse();
    }
  }

  /**
   * Publishes with compression and a large request size, so that jobs beyond the worker's size
   * bounds (which a gateway would refuse) still reach it through Kafka's 1 MB message limit.
   */
  private static void publish(String id, ExecuteJob job) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(kafka.jobs, id, job.toByteArray())).get();
    }
  }

  /** Every result on the topic, by job id, until {@code count} distinct jobs answered. */
  private static Map<String, JobCompleted> readResults(int count, Duration timeout)
      throws Exception {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.prefix + "-hostile-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Map<String, JobCompleted> byId = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(kafka.results));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (byId.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          byId.put(record.key(), JobCompleted.parseFrom(record.value()));
        }
      }
    }
    return byId;
  }
}
