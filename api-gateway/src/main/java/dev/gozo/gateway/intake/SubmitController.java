package dev.gozo.gateway.intake;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.auth.ApiKeyFilter;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.gateway.problems.Problems;
import dev.gozo.gateway.results.ExecutionView;
import dev.gozo.gateway.results.WaitRequest;
import dev.gozo.jobspec.Violation;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/executions}: 202 with the QUEUED job and its Location once Kafka has the job;
 * with {@code ?wait=true}, 200 with the result if it arrives in time, else 202 with the current
 * state. Runs on the HTTP event loop: nothing on the way blocks for long (a send waits at most
 * {@code max.block.ms}, 250 ms, and only when the producer has no metadata for the jobs topic), and
 * the wait for the result holds no thread. Measured: hopping to the blocking executor cost a fifth
 * of the async submission rate on two cores.
 */
@Controller("/v1/executions")
public final class SubmitController {

  private static final java.util.regex.Pattern IDEMPOTENCY_KEY =
      java.util.regex.Pattern.compile("[\\x21-\\x7e]{1,255}");

  private final ExecutionRequestReader reader;
  private final Intake intake;
  private final JobStateStore store;
  private final GatewayConfig config;

  public SubmitController(
      ExecutionRequestReader reader, Intake intake, JobStateStore store, GatewayConfig config) {
    this.reader = reader;
    this.intake = intake;
    this.store = store;
    this.config = config;
  }

  @Post
  @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_JSON})
  public CompletableFuture<HttpResponse<?>> submit(
      @RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
      @Nullable @Body byte[] body,
      @Nullable @QueryValue("wait") String wait,
      @Nullable @QueryValue("timeoutMs") String timeoutMs,
      @Nullable @Header("Idempotency-Key") String idempotencyKey) {
    List<Violation> problems = new ArrayList<>();
    WaitRequest waitRequest = WaitRequest.parse(wait, timeoutMs, config, problems);
    if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
      problems.add(new Violation("Idempotency-Key", "must be 1-255 printable ASCII characters"));
    }
    ExecutionRequestReader.Read read = reader.read(body);
    problems.addAll(read.problems());
    return intake
        .submit(tenant, read.job(), problems, read.callback(), idempotencyKey, waitRequest.waits())
        .thenCompose(submission -> respond(submission, tenant, waitRequest));
  }

  private CompletableFuture<HttpResponse<?>> respond(
      Submission submission, String tenant, WaitRequest wait) {
    if (submission instanceof Submission.Invalid invalid) {
      return CompletableFuture.completedFuture(Problems.invalidRequest(invalid.violations()));
    }
    if (submission instanceof Submission.Unavailable unavailable) {
      return CompletableFuture.completedFuture(
          Problems.unavailable(unavailable.reason(), unavailable.retryAfterSeconds()));
    }
    if (submission instanceof Submission.Throttled throttled) {
      return CompletableFuture.completedFuture(
          Problems.tooManyQueued(throttled.reason(), throttled.retryAfterSeconds()));
    }
    if (submission instanceof Submission.TooLarge tooLarge) {
      return CompletableFuture.completedFuture(
          Problems.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE, tooLarge.reason()));
    }
    JobState accepted = ((Submission.Accepted) submission).state();
    if (!wait.waits()) {
      return CompletableFuture.completedFuture(queued(accepted));
    }
    return store
        .awaitFinished(accepted.jobId(), tenant, wait.timeout())
        .thenApply(
            found -> {
              JobState state = found.orElse(accepted);
              return state.isFinished() ? HttpResponse.ok(ExecutionView.of(state)) : queued(state);
            });
  }

  private static HttpResponse<?> queued(JobState state) {
    return HttpResponse.status(HttpStatus.ACCEPTED)
        .header(HttpHeaders.LOCATION, "/v1/executions/" + state.jobId())
        .body(ExecutionView.of(state));
  }
}
