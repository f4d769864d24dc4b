package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobEvent;
import dev.gozo.protocol.v1.JobInput;
import dev.gozo.protocol.v1.JobOutput;
import dev.gozo.protocol.v1.JobStarted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.LimitKind;
import dev.gozo.protocol.v1.OutputChunk;
import dev.gozo.protocol.v1.OutputStream;
import dev.gozo.protocol.v1.Stage;
import dev.gozo.protocol.v1.StageStarted;
import dev.gozo.protocol.v1.StepResult;
import dev.gozo.testsupport.TestKafka;
import dev.gozo.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The test JVM's one real broker ({@link TestKafka}: GOZO_TEST_KAFKA_BOOTSTRAP, or a container),
 * with topics of its own: each fixture creates uniquely named jobs/events/results topics as {@link
 * Topics} defines them and deletes them at the end, so tests never see each other's records, nor a
 * real worker's.
 */
public final class KafkaFixture implements AutoCloseable {

  public static final String BOOTSTRAP_VARIABLE = TestKafka.BOOTSTRAP_VARIABLE;

  public final String bootstrap;
  public final String jobsTopic;
  public final String eventsTopic;
  public final String resultsTopic;
  public final String outputTopic;
  public final String inputTopic;
  public final String callbacksTopic;
  private final Topics topics;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> jobs;
  private final KafkaConsumer<byte[], byte[]> events;
  private KafkaConsumer<byte[], byte[]> inputs;
  private final List<JobInput> seenInputs = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, ExecuteJob> seenJobs = new ConcurrentHashMap<>();
  private final Map<String, JobEvent> seenQueued = new ConcurrentHashMap<>();

  public KafkaFixture() {
    this.bootstrap = bootstrap();
    // 1 MiB per record on the jobs topic, so a test can make Kafka refuse a job as too large.
    this.topics =
        TestKafka.freshTopics("gozo-it", Map.of("jobs", Map.of("max.message.bytes", "1048588")));
    this.jobsTopic = topics.jobs();
    this.eventsTopic = topics.events();
    this.resultsTopic = topics.results();
    this.outputTopic = topics.output();
    this.inputTopic = topics.input();
    this.callbacksTopic = topics.callbacks();
    this.producer = new KafkaProducer<>(producerProps(bootstrap));
    this.jobs = consumerFor(jobsTopic);
    this.events = consumerFor(eventsTopic);
  }

  /** The broker address (started on first use); it is always on this machine. */
  public static String bootstrap() {
    String bootstrap = TestKafka.bootstrap();
    for (String server : bootstrap.split(",")) {
      assertThat(server.trim())
          .as("integration tests only talk to this machine")
          .matches("(127\\.0\\.0\\.1|localhost):\\d+");
    }
    return bootstrap;
  }

  /** Gateway properties that point it at this broker and these topics. */
  public Map<String, Object> gatewayProperties() {
    return Map.of(
        "gozo.kafka-bootstrap", bootstrap,
        "gozo.topic-jobs", jobsTopic,
        "gozo.topic-events", eventsTopic,
        "gozo.topic-results", resultsTopic,
        "gozo.topic-output", outputTopic,
        "gozo.topic-input", inputTopic,
        "gozo.topic-callbacks", callbacksTopic);
  }

  /** Waits until the job with this id is on the jobs topic and returns it. */
  public ExecuteJob awaitJob(String id) {
    await().atMost(Duration.ofSeconds(20)).until(() -> pollJobs().containsKey(id));
    return seenJobs.get(id);
  }

  /** Waits until a job whose arguments include {@code marker} is on the jobs topic. */
  public ExecuteJob awaitJobWithArg(String marker) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                pollJobs().values().stream()
                    .filter(j -> j.getArgsList().contains(marker))
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  /** Waits until the queued event of this job is on the events topic and returns it. */
  public JobEvent awaitQueuedEvent(String id) {
    await().atMost(Duration.ofSeconds(20)).until(() -> pollEvents().containsKey(id));
    return seenQueued.get(id);
  }

  /** Every job published so far, by id. */
  public synchronized Map<String, ExecuteJob> pollJobs() throws InvalidProtocolBufferException {
    for (ConsumerRecord<byte[], byte[]> record : jobs.poll(Duration.ofMillis(100))) {
      ExecuteJob job = ExecuteJob.parseFrom(record.value());
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(job.getJobId());
      seenJobs.put(job.getJobId(), job);
    }
    return seenJobs;
  }

  private synchronized Map<String, JobEvent> pollEvents() throws InvalidProtocolBufferException {
    for (ConsumerRecord<byte[], byte[]> record : events.poll(Duration.ofMillis(100))) {
      JobEvent event = JobEvent.parseFrom(record.value());
      if (event.hasQueued()) {
        seenQueued.put(event.getJobId(), event);
      }
    }
    return seenQueued;
  }

  /** What a worker publishes when it takes a job. */
  public void publishStarted(ExecuteJob job, String workerId) {
    JobEvent started =
        JobEvent.newBuilder()
            .setJobId(job.getJobId())
            .setTenant(job.getTenant())
            .setAtMs(System.currentTimeMillis())
            .setStarted(JobStarted.newBuilder().setWorkerId(workerId).setDeliveryAttempt(1))
            .build();
    send(eventsTopic, job.getJobId(), started.toByteArray());
  }

  /** What a worker publishes when it takes a job in delivery attempt {@code attempt}. */
  public void publishStarted(ExecuteJob job, String workerId, int attempt) {
    JobEvent started =
        JobEvent.newBuilder()
            .setJobId(job.getJobId())
            .setTenant(job.getTenant())
            .setAtMs(System.currentTimeMillis())
            .setStarted(JobStarted.newBuilder().setWorkerId(workerId).setDeliveryAttempt(attempt))
            .build();
    send(eventsTopic, job.getJobId(), started.toByteArray());
  }

  /** What a worker publishes when a step of the job starts. */
  public void publishStage(ExecuteJob job, int attempt, long seq, Stage stage) {
    publishOutput(
        output(job, attempt, seq).setStage(StageStarted.newBuilder().setStage(stage)).build());
  }

  /** What a worker publishes while the program writes. */
  public void publishChunk(
      ExecuteJob job, int attempt, long seq, OutputStream stream, byte[] data) {
    publishOutput(
        output(job, attempt, seq)
            .setChunk(OutputChunk.newBuilder().setStream(stream).setData(ByteString.copyFrom(data)))
            .build());
  }

  public void publishOutput(JobOutput output) {
    send(outputTopic, output.getJobId(), output.toByteArray());
  }

  private static JobOutput.Builder output(ExecuteJob job, int attempt, long seq) {
    return JobOutput.newBuilder()
        .setJobId(job.getJobId())
        .setTenant(job.getTenant())
        .setDeliveryAttempt(attempt)
        .setSeq(seq)
        .setAtMs(System.currentTimeMillis());
  }

  /** Waits until {@code count} input records of the job are on the input topic; all of them. */
  public List<JobInput> awaitInputs(String jobId, int count) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> pollInputs().stream().filter(i -> i.getJobId().equals(jobId)).count() >= count);
    return seenInputs.stream().filter(i -> i.getJobId().equals(jobId)).toList();
  }

  /** Every input record published so far. */
  public synchronized List<JobInput> pollInputs() throws InvalidProtocolBufferException {
    if (inputs == null) {
      inputs = consumerFor(inputTopic);
    }
    for (ConsumerRecord<byte[], byte[]> record : inputs.poll(Duration.ofMillis(100))) {
      JobInput input = JobInput.parseFrom(record.value());
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(input.getJobId());
      seenInputs.add(input);
    }
    return seenInputs;
  }

  /** What a worker publishes when it is done. */
  public void publishResult(JobCompleted result) {
    send(resultsTopic, result.getJobId(), result.toByteArray());
  }

  /** Anything at all on the results topic, as a broken producer might write. */
  public void publishRawResult(String key, byte[] value) {
    send(resultsTopic, key, value);
  }

  public static JobCompleted succeeded(ExecuteJob job, String workerId, byte[] stdout) {
    long now = System.currentTimeMillis();
    return JobCompleted.newBuilder()
        .setJobId(job.getJobId())
        .setTenant(job.getTenant())
        .setStatus(JobStatus.SUCCEEDED)
        .setLanguage(job.getLanguage())
        .setVersion(job.getVersion())
        .setRun(
            StepResult.newBuilder()
                .setStdout(ByteString.copyFrom(stdout))
                .setExitCode(0)
                .setWallTimeMs(42)
                .setCpuTimeMs(30)
                .setMemoryBytes(8 << 20)
                .setLimitHit(LimitKind.LIMIT_NONE))
        .setMessage("exited with code 0")
        .setWorkerId(workerId)
        .setSubmittedAtMs(job.getSubmittedAtMs())
        .setStartedAtMs(now - 50)
        .setFinishedAtMs(now)
        .setDeliveryAttempt(1)
        .build();
  }

  private void send(String topic, String key, byte[] value) {
    try {
      producer
          .send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not publish to " + topic, e);
    }
  }

  private KafkaConsumer<byte[], byte[]> consumerFor(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  static Properties producerProps(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }

  @Override
  public void close() {
    synchronized (this) {
      jobs.close();
      events.close();
      if (inputs != null) {
        inputs.close();
      }
    }
    producer.close(Duration.ofSeconds(5));
    // Leftover topics only cost disk on a test broker; the test result stands.
    TestKafka.delete(topics);
  }
}
