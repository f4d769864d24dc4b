package dev.gozo.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.SourceFile;
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
  private static WorkerMain.Worker worker;

  @BeforeAll
  static void startWorker() throws Exception {
    kafka = new KafkaTestSupport();
    worker = WorkerMain.Worker.start(kafka.workerConfig("it-worker-" + UUID.randomUUID().toString().substring(0, 6), 2));
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

    // when
    Map<String, JobCompleted> byKey = new java.util.HashMap<>();
    for (String id : List.of(ok, invalid, garbage)) {
      List<ConsumerRecord<String, byte[]>> records = kafka.readResultsFor(id, 1, Duration.ofSeconds(60));
      assertThat(records).as(id).hasSize(1);
      byKey.put(id, parse(records.get(0).value()));
    }

    // then
    assertThat(byKey.get(ok).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(byKey.get(ok).getRun().getStdout().toStringUtf8()).isEqualTo("from kafka\n");
    assertThat(byKey.get(ok).getTenant()).isEqualTo("acme");
    assertThat(byKey.get(ok).getVersion()).isNotEmpty();
    assertThat(byKey.get(invalid).getStatus()).isEqualTo(JobStatus.REJECTED);
    assertThat(byKey.get(invalid).getMessage()).contains("files[0].name");
    assertThat(byKey.get(garbage).getStatus()).isEqualTo(JobStatus.REJECTED);
  }

  private static JobCompleted parse(byte[] value) {
    try {
      return JobCompleted.parseFrom(value);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
