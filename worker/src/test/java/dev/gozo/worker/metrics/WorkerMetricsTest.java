package dev.gozo.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.StepResult;
import dev.gozo.worker.results.ResultSink;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {

  private static JobCompleted result(String id, JobStatus status) {
    return JobCompleted.newBuilder()
        .setJobId(id)
        .setTenant("acme")
        .setLanguage("python")
        .setStatus(status)
        .setSubmittedAtMs(1_000)
        .setStartedAtMs(1_040)
        .setFinishedAtMs(1_140)
        .setDeliveryAttempt(1)
        .setRun(StepResult.newBuilder().setStdout(ByteString.copyFromUtf8("hello\n")))
        .build();
  }

  @Test
  void countsEachPublishedResultOnceByStatusLanguageAndTenantWithoutJobIds() {
    WorkerMetrics metrics = new WorkerMetrics("w-1");
    AtomicBoolean accepting = new AtomicBoolean(true);
    ResultSink sink =
        new MeteredResultSink(
            new ResultSink() {
              @Override
              public boolean publish(JobCompleted result) {
                return accepting.get();
              }

              @Override
              public void started(String jobId, String tenant, String workerId, int attempt) {}
            },
            metrics);

    sink.publish(result("job-a", JobStatus.SUCCEEDED));
    sink.publish(result("job-b", JobStatus.SUCCEEDED));
    sink.publish(result("job-c", JobStatus.RUNTIME_ERROR));
    accepting.set(false);
    sink.publish(result("job-d", JobStatus.SUCCEEDED)); // not durable: handed back, not counted

    String text = metrics.scrape();
    assertThat(text)
        .contains(
            "gozo_jobs_finished_total{language=\"python\",status=\"SUCCEEDED\",tenant=\"acme\",worker=\"w-1\"} 2.0")
        .contains(
            "gozo_jobs_finished_total{language=\"python\",status=\"RUNTIME_ERROR\",tenant=\"acme\",worker=\"w-1\"} 1.0")
        .contains("gozo_job_queue_seconds_count{language=\"python\",worker=\"w-1\"} 3")
        .contains("gozo_job_output_bytes_total{worker=\"w-1\"} 18.0")
        .doesNotContain("job-a");
  }

  @Test
  void readsGaugesAtEachScrape() {
    WorkerMetrics metrics = new WorkerMetrics("w-2");
    int[] warm = {3};
    metrics.gauge("gozo_pool_warm_containers", "warm", () -> warm[0]);
    assertThat(metrics.scrape()).contains("gozo_pool_warm_containers{worker=\"w-2\"} 3.0");
    warm[0] = 7;
    assertThat(metrics.scrape()).contains("gozo_pool_warm_containers{worker=\"w-2\"} 7.0");
  }
}
