package dev.gozo.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.SourceFile;
import dev.gozo.topics.ResultSearch;
import dev.gozo.worker.results.ResultLookup;
import dev.gozo.worker.results.ResultPublisher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A job published straight to Kafka gets its result on the reply topic, keyed by job id. */
class WorkerKafkaIT {

  private static KafkaTestSupport kafka;
  private static WorkerConfig config;
  private static WorkerMain.Worker worker;

  @BeforeAll
  static void startWorker() throws Exception {
    kafka = new KafkaTestSupport();
    config = kafka.workerConfig("it-worker-" + UUID.randomUUID().toString().substring(0, 6), 2);
    worker = WorkerMain.Worker.start(config);
  }

  @AfterAll
  static void stopWorker() throws Exception {
    worker.stop();
    kafka.close();
  }

  private static ExecuteJob job(String id, String language, String file, String code) {
    return ExecuteJob.newBuilder()
        .setJobId(id)
        .setTenant("acme")
        .setLanguage(language)
        .addFiles(SourceFile.newBuilder().setName(file).setContent(ByteString.copyFromUtf8(code)))
        .setSubmittedAtMs(System.currentTimeMillis())
        .build();
  }

  @Test
  void shouldPublishOneResultPerJobKeyedByJobId() throws Exception {
    // given
    String ok = "ok-" + UUID.randomUUID();
    String invalid = "bad-" + UUID.randomUUID();
    String garbage = "garbage-" + UUID.randomUUID();
    kafka.publishJob(ok, job(ok, "python", "main.py", "print('from kafka')").toByteArray());
    kafka.publishJob(invalid, job(invalid, "python", "../evil.py", "print(1)").toByteArray());
    kafka.publishJob(garbage, new byte[] {(byte) 0xff, 0x01, 0x02, 0x03});

    // when: every result of these jobs, read on for longer than the share-group lock after the
    // last first result, since a job whose acknowledgement is lost is delivered again after it
    Map<String, List<ConsumerRecord<String, byte[]>>> results =
        kafka.readAllResultsFor(
            List.of(ok, invalid, garbage),
            Duration.ofSeconds(60),
            config.lockDuration().plusSeconds(5));

    // then: exactly one result per job
    Map<String, JobCompleted> byKey = new java.util.HashMap<>();
    results.forEach(
        (id, records) -> {
          List<JobCompleted> published = records.stream().map(r -> parse(r.value())).toList();
          assertThat(published).as("results published for " + id).hasSize(1);
          byKey.put(id, published.get(0));
        });
    assertThat(byKey.get(ok).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(byKey.get(ok).getRun().getStdout().toStringUtf8()).isEqualTo("from kafka\n");
    assertThat(byKey.get(ok).getTenant()).isEqualTo("acme");
    assertThat(byKey.get(ok).getVersion()).isNotEmpty();
    assertThat(byKey.get(invalid).getStatus()).isEqualTo(JobStatus.REJECTED);
    assertThat(byKey.get(invalid).getMessage()).contains("files[0].name");
    assertThat(byKey.get(garbage).getStatus()).isEqualTo(JobStatus.REJECTED);
  }

  @Test
  void shouldFindTheResultAnEarlierDeliveryPublishedAndNothingForOtherJobs() {
    // given: results of several jobs on the 3-partition results topic, one of them ours
    long submittedAt = System.currentTimeMillis();
    String ours = "done-" + UUID.randomUUID();
    try (ResultPublisher publisher =
        new ResultPublisher(kafka.bootstrap, kafka.results, kafka.events, Duration.ofSeconds(10))) {
      for (int i = 0; i < 5; i++) {
        assertThat(publisher.publish(completed("other-" + i + "-" + UUID.randomUUID(), "w0")))
            .isTrue();
      }
      assertThat(publisher.publish(completed(ours, "dead-worker"))).isTrue();
    }

    // when
    try (ResultLookup lookup =
        new ResultLookup(kafka.bootstrap, kafka.results, List.of(Duration.ofSeconds(10)))) {
      // then: the published result is found, a job without one is not
      assertThat(lookup.find(ours, submittedAt))
          .isInstanceOfSatisfying(
              ResultSearch.Found.class,
              found -> assertThat(found.result().getWorkerId()).isEqualTo("dead-worker"));
      assertThat(lookup.find("never-ran-" + UUID.randomUUID(), submittedAt))
          .isInstanceOf(ResultSearch.NotPublished.class);
    }
  }

  private static JobCompleted completed(String jobId, String workerId) {
    return JobCompleted.newBuilder()
        .setJobId(jobId)
        .setTenant("acme")
        .setStatus(JobStatus.SUCCEEDED)
        .setWorkerId(workerId)
        .setDeliveryAttempt(1)
        .build();
  }

  private static JobCompleted parse(byte[] value) {
    try {
      return JobCompleted.parseFrom(value);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
