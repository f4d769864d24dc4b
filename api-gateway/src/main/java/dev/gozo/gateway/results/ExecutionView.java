package dev.gozo.gateway.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/**
 * The JSON of one execution, the same shape in every phase: QUEUED and RUNNING have null steps and
 * finish time. Field names are the HTTP API v1 contract; add fields, never rename them.
 *
 * @param status QUEUED, RUNNING or a final JobStatus name (SUCCEEDED, RUNTIME_ERROR, ...,
 *     CANCELLED, WRONG_ANSWER)
 * @param compile the compile step, null for interpreted languages and unfinished jobs
 * @param run the run step, null when it never ran (compile error, rejected) or is unfinished
 * @param createdAt ISO-8601 UTC, when the gateway accepted the job
 * @param startedAt ISO-8601 UTC, when a worker took it; null before that
 * @param finishedAt ISO-8601 UTC, when the result was produced; null before that
 * @param workerId the worker that ran it, null before one took it
 * @param tests judged jobs only: one result per test, in the request's order (absent otherwise)
 * @param summary judged jobs only: how many tests passed, failed and were skipped
 */
@Serdeable
public record ExecutionView(
    String id,
    String status,
    String language,
    String version,
    StepView compile,
    StepView run,
    String message,
    String createdAt,
    String startedAt,
    String finishedAt,
    String workerId,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<TestView> tests,
    @JsonInclude(JsonInclude.Include.NON_NULL) SummaryView summary) {

  public static ExecutionView of(JobState state) {
    JobCompleted result = state.result();
    if (result == null) {
      return new ExecutionView(
          state.jobId(),
          state.phase().name(),
          blankToNull(state.language()),
          blankToNull(state.version()),
          null,
          null,
          null,
          iso(state.submittedAtMs()),
          iso(state.startedAtMs()),
          null,
          blankToNull(state.workerId()),
          null,
          null);
    }
    return new ExecutionView(
        state.jobId(),
        status(result.getStatus()),
        blankToNull(state.language()),
        blankToNull(state.version()),
        result.hasCompile() ? StepView.of(result.getCompile()) : null,
        result.hasRun() ? StepView.of(result.getRun()) : null,
        blankToNull(result.getMessage()),
        iso(state.submittedAtMs()),
        iso(state.startedAtMs()),
        iso(result.getFinishedAtMs()),
        blankToNull(state.workerId()),
        tests(result),
        result.getTestsCount() == 0 ? null : SummaryView.of(result.getSummary()));
  }

  private static List<TestView> tests(JobCompleted result) {
    return result.getTestsCount() == 0
        ? null
        : result.getTestsList().stream().map(TestView::of).toList();
  }

  /** A worker that sends no verdict has failed us, not the program: report it as ours. */
  private static String status(JobStatus status) {
    return switch (status) {
      case JOB_STATUS_UNSPECIFIED, UNRECOGNIZED -> JobStatus.INTERNAL_ERROR.name();
      default -> status.name();
    };
  }

  private static String iso(long epochMillis) {
    return epochMillis <= 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
  }

  private static String blankToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
