package dev.gozo.gateway.compat.piston;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.fakes.RecordingJobPublisher;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.gateway.live.LiveHub;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobOutput;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.OutputChunk;
import dev.gozo.protocol.v1.OutputStream;
import dev.gozo.protocol.v1.Stage;
import dev.gozo.protocol.v1.StageStarted;
import dev.gozo.protocol.v1.StepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays the worker for a gateway whose Kafka is faked: takes the next job it published, feeds the
 * live hub the job's stages and output chunks in order, then records the result, as the output and
 * results topics would.
 */
final class FakeRun {

  private final TestGateway gateway;
  private final List<JobOutput> records = new ArrayList<>();
  private final JobCompleted.Builder result = JobCompleted.newBuilder();
  private ExecuteJob job;

  private FakeRun(TestGateway gateway) {
    this.gateway = gateway;
  }

  /** Waits until the gateway published job number {@code index} (from 0) and takes it. */
  static FakeRun of(TestGateway gateway, int index) {
    RecordingJobPublisher published = gateway.bean(RecordingJobPublisher.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> published.jobs.size() > index);
    FakeRun run = new FakeRun(gateway);
    run.job = published.jobs.get(index);
    return run;
  }

  static int published(TestGateway gateway) {
    return gateway.bean(RecordingJobPublisher.class).jobs.size();
  }

  ExecuteJob job() {
    return job;
  }

  FakeRun stage(Stage stage) {
    return record(JobOutput.newBuilder().setStage(StageStarted.newBuilder().setStage(stage)));
  }

  FakeRun out(String text) {
    return chunk(OutputStream.STDOUT, text);
  }

  FakeRun err(String text) {
    return chunk(OutputStream.STDERR, text);
  }

  private FakeRun chunk(OutputStream stream, String text) {
    return record(
        JobOutput.newBuilder()
            .setChunk(
                OutputChunk.newBuilder().setStream(stream).setData(ByteString.copyFromUtf8(text))));
  }

  private FakeRun record(JobOutput.Builder record) {
    records.add(
        record
            .setJobId(job.getJobId())
            .setTenant(job.getTenant())
            .setDeliveryAttempt(1)
            .setSeq(records.size() + 1)
            .build());
    return this;
  }

  FakeRun compile(StepResult.Builder step) {
    result.setCompile(step);
    return this;
  }

  FakeRun run(StepResult.Builder step) {
    result.setRun(step);
    return this;
  }

  /** Publishes the stream, then the result with {@code status} and {@code message}. */
  void finish(JobStatus status, String message) {
    LiveHub hub = gateway.bean(LiveHub.class);
    records.forEach(r -> hub.onRecord(job.getJobId(), r));
    gateway
        .bean(JobStateStore.class)
        .recordCompleted(
            result
                .setJobId(job.getJobId())
                .setTenant(job.getTenant())
                .setLanguage(job.getLanguage())
                .setVersion(job.getVersion())
                .setStatus(status)
                .setMessage(message)
                .setSubmittedAtMs(job.getSubmittedAtMs())
                .setFinishedAtMs(System.currentTimeMillis())
                .setDeliveryAttempt(1)
                .setOutputRecords(records.size())
                .build());
  }

  static StepResult.Builder step(String stdout, String stderr, int exitCode, int signal) {
    return StepResult.newBuilder()
        .setStdout(ByteString.copyFromUtf8(stdout))
        .setStderr(ByteString.copyFromUtf8(stderr))
        .setExitCode(exitCode)
        .setSignal(signal)
        .setWallTimeMs(31)
        .setCpuTimeMs(18)
        .setMemoryBytes(9_216_000);
  }
}
