package dev.gozo.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.CancelRequest;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobInput;
import dev.gozo.protocol.v1.JobOutput;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.OutputStream;
import dev.gozo.protocol.v1.SourceFile;
import dev.gozo.protocol.v1.Stage;
import dev.gozo.protocol.v1.StdinEof;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker over a real broker: a job's stages and output appear on gozo.output in order and the
 * result says how many records there were; an interactive job reads stdin sent on gozo.input; a
 * cancel ends a running job and keeps a queued one from running.
 */
class WorkerLiveKafkaIT {

  private static KafkaTestSupport kafka;
  private static WorkerMain.Worker worker;

  @BeforeAll
  static void startWorker() throws Exception {
    kafka = new KafkaTestSupport();
    worker =
        WorkerMain.Worker.start(
            kafka.workerConfig("it-live-" + UUID.randomUUID().toString().substring(0, 6), 2));
  }

  @AfterAll
  static void stopWorker() throws Exception {
    worker.stop();
    kafka.close();
  }

  private static ExecuteJob.Builder job(String id, String code) {
    return ExecuteJob.newBuilder()
        .setJobId(id)
        .setTenant("acme")
        .setLanguage("python")
        .addFiles(
            SourceFile.newBuilder().setName("main.py").setContent(ByteString.copyFromUtf8(code)))
        .setSubmittedAtMs(System.currentTimeMillis());
  }

  private static JobInput.Builder input(String id, long seq) {
    return JobInput.newBuilder()
        .setJobId(id)
        .setTenant("acme")
        .setSeq(seq)
        .setAtMs(System.currentTimeMillis());
  }

  @Test
  void shouldStreamStagesAndOutputInOrderAndCountThemInTheResult() throws Exception {
    // given a job writing to both streams
    String id = "live-" + UUID.randomUUID();
    kafka.publishJob(
        id,
        job(
                id,
                // Docker reads stdout and stderr through two pipes: writes to both within the
                // same few milliseconds may reach the worker in either order, so it pauses.
                "import sys, time\nprint('a', flush=True)\ntime.sleep(0.1)\n"
                    + "print('b', file=sys.stderr, flush=True)\ntime.sleep(0.1)\nprint('c')\n")
            .build()
            .toByteArray());

    // when it ran
    JobCompleted result = result(id);
    List<JobOutput> stream = output(id, result.getOutputRecords());

    // then the stream is RUN, then the output in order, and the result counts it
    assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(stream).hasSize((int) result.getOutputRecords());
    assertThat(stream.get(0).getStage().getStage()).isEqualTo(Stage.STAGE_RUN);
    StringBuilder shown = new StringBuilder();
    OutputStream previous = null;
    for (int i = 0; i < stream.size(); i++) {
      assertThat(stream.get(i).getSeq()).isEqualTo(i + 1);
      if (stream.get(i).hasChunk()) {
        OutputStream from = stream.get(i).getChunk().getStream();
        if (from != previous) {
          shown.append(from == OutputStream.STDERR ? "E:" : "O:");
          previous = from;
        }
        shown.append(stream.get(i).getChunk().getData().toStringUtf8());
      }
    }
    assertThat(shown.toString()).isEqualTo("O:a\nE:b\nO:c\n");
  }

  @Test
  void shouldFeedAnInteractiveJobFromTheInputTopic() throws Exception {
    // given an interactive job, and its input sent before and after it starts
    String id = "interactive-" + UUID.randomUUID();
    kafka.publishInput(
        id, input(id, 1).setStdin(ByteString.copyFromUtf8("first\n")).build().toByteArray());
    kafka.publishJob(
        id,
        job(id, "import sys\nprint(input().upper(), flush=True)\nprint(sys.stdin.read().upper())\n")
            .setInteractive(true)
            .build()
            .toByteArray());
    Thread.sleep(500);
    kafka.publishInput(
        id, input(id, 2).setStdin(ByteString.copyFromUtf8("second\n")).build().toByteArray());
    kafka.publishInput(
        id, input(id, 2).setStdin(ByteString.copyFromUtf8("again\n")).build().toByteArray());
    kafka.publishInput(
        id, input(id, 3).setEof(StdinEof.getDefaultInstance()).build().toByteArray());

    // then the program read both, once each, and EOF
    JobCompleted result = result(id);
    assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(result.getRun().getStdout().toStringUtf8()).isEqualTo("FIRST\nSECOND\n\n");
  }

  @Test
  void shouldCancelARunningJobAndNeverRunACancelledQueuedOne() throws Exception {
    // given a running job, and a job cancelled before it is published
    String running = "running-" + UUID.randomUUID();
    kafka.publishJob(
        running,
        job(running, "import time\nprint('on', flush=True)\ntime.sleep(60)\n")
            .build()
            .toByteArray());
    output(running, 2); // its RUN stage and first line: it runs
    String queued = "queued-" + UUID.randomUUID();
    kafka.publishInput(
        queued,
        input(queued, 0).setCancel(CancelRequest.getDefaultInstance()).build().toByteArray());
    Thread.sleep(1000); // the cancel is read before the job arrives
    kafka.publishJob(queued, job(queued, "print('must not run')\n").build().toByteArray());

    // when the running one is cancelled
    kafka.publishInput(
        running,
        input(running, 0).setCancel(CancelRequest.getDefaultInstance()).build().toByteArray());

    // then both end CANCELLED; the running one with its output so far, the queued one never ran
    JobCompleted killed = result(running);
    assertThat(killed.getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(killed.getRun().getStdout().toStringUtf8()).isEqualTo("on\n");
    JobCompleted skipped = result(queued);
    assertThat(skipped.getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(skipped.hasRun()).isFalse();
  }

  private static JobCompleted result(String id) throws Exception {
    List<ConsumerRecord<String, byte[]>> records =
        kafka.readResultsFor(id, 1, Duration.ofSeconds(60));
    assertThat(records).as("result of " + id).hasSize(1);
    return JobCompleted.parseFrom(records.get(0).value());
  }

  /** The job's first {@code count} records of gozo.output, in order. */
  private static List<JobOutput> output(String id, long count) throws Exception {
    List<JobOutput> out = new ArrayList<>();
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(kafka.output).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (id.equals(record.key())) {
            out.add(JobOutput.parseFrom(record.value()));
          }
        }
      }
    }
    return out;
  }
}
