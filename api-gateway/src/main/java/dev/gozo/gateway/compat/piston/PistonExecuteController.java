package dev.gozo.gateway.compat.piston;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.auth.ApiKeyFilter;
import dev.gozo.gateway.intake.Intake;
import dev.gozo.gateway.intake.Submission;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.gateway.live.LiveHub;
import dev.gozo.gateway.live.LiveSubscription;
import dev.gozo.gateway.results.ExecutionView;
import dev.gozo.jobspec.Violation;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Piston's API v2 over our job model: {@code POST /api/v2/execute} submits through the same {@link
 * Intake} as {@code POST /v1/executions} (validation, tenant queue bound, Kafka), follows the job's
 * live stream to its result (for the interleaved {@code output}) and answers in Piston's shape;
 * {@code GET /api/v2/runtimes} lists the catalogue. Like {@code SubmitController} it never blocks
 * the event loop: the wait for the result holds no thread.
 *
 * <p>Bodies are read whatever their Content-Type: the npm {@code piston-client} sends its JSON as
 * text/plain, other clients send none.
 */
@Controller("/api/v2")
public final class PistonExecuteController {

  /**
   * The longest a finished job's answer waits for output its live stream has not delivered yet: the
   * live hub itself gives up waiting for a stream's missing records after 2 s.
   */
  static final long LATE_OUTPUT_MS = 2500;

  private final PistonRequestReader reader;
  private final PistonRuntimes runtimes;
  private final Intake intake;
  private final LiveHub hub;
  private final JobStateStore store;
  private final Duration maxWait;

  PistonExecuteController(
      PistonRequestReader reader,
      PistonRuntimes runtimes,
      Intake intake,
      LiveHub hub,
      JobStateStore store,
      GatewayConfig config) {
    this.reader = reader;
    this.runtimes = runtimes;
    this.intake = intake;
    this.hub = hub;
    this.store = store;
    this.maxWait = Duration.ofMillis(config.maxWaitTimeoutMs());
  }

  @Get("/runtimes")
  public List<PistonRuntimes.View> runtimes() {
    return runtimes.views();
  }

  @Post("/execute")
  @Consumes(MediaType.ALL)
  public CompletableFuture<HttpResponse<?>> execute(
      @RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant, @Nullable @Body byte[] body) {
    PistonRequestReader.Read read = reader.read(reader.parse(body), true);
    if (read instanceof PistonRequestReader.Rejected rejected) {
      return done(PistonError.respond(HttpStatus.BAD_REQUEST, rejected.message()));
    }
    var job = ((PistonRequestReader.Job) read).job();
    return intake
        .submit(tenant, job, List.of(), null, true)
        .thenCompose(
            submission ->
                submission instanceof Submission.Accepted accepted
                    ? answer(accepted.state())
                    : done(refused(submission)));
  }

  /**
   * Waits for the job's result as {@code ?wait=true} does (the store, completed by the results
   * consumer), while its live stream collects the output in order. The answer goes out at once when
   * the stream already holds all of the result's output (the usual case: the worker publishes
   * output before the result); else it waits for the stream's own copy of the result, which comes
   * once the stream is whole (or the hub gives up on it, after {@value #LATE_OUTPUT_MS} ms at
   * most). So the common case costs what {@code ?wait=true} costs plus reading and translating:
   * {@code ExecuteOverheadIT} measured 0.84 ms at the median of 200 interleaved pairs (simulated
   * worker, real broker, 2 CPUs).
   */
  private CompletableFuture<HttpResponse<?>> answer(JobState accepted) {
    StageOutputs outputs = new StageOutputs();
    CompletableFuture<LiveSubscription> following = hub.subscribe(accepted, null, outputs);
    following.whenComplete(
        (subscription, error) -> {
          if (subscription != null) {
            subscription.start();
          } else {
            outputs.end(false); // no stream: answer with stdout then stderr
          }
        });
    return store
        .awaitFinished(accepted.jobId(), accepted.tenant(), maxWait)
        .thenCompose(
            found -> {
              ExecutionView view =
                  found.filter(JobState::isFinished).map(ExecutionView::of).orElse(null);
              if (view == null || outputs.sawAllOf(view)) {
                return CompletableFuture.completedFuture(view);
              }
              return outputs
                  .result()
                  .completeOnTimeout(null, LATE_OUTPUT_MS, TimeUnit.MILLISECONDS)
                  .thenApply(streamed -> view);
            })
        .whenComplete((view, error) -> following.thenAccept(LiveSubscription::close))
        .thenApply(
            view ->
                view == null
                    ? PistonError.respond(
                        HttpStatus.GATEWAY_TIMEOUT,
                        "the job did not finish within " + maxWait.toMillis() + " ms")
                    : HttpResponse.ok(PistonTranslation.of(view, outputs::interleaved)));
  }

  /** Every refusal of the intake, with the status our v1 API gives it and Piston's body. */
  static HttpResponse<?> refused(Submission submission) {
    if (submission instanceof Submission.Invalid invalid) {
      return PistonError.respond(HttpStatus.BAD_REQUEST, describe(invalid.violations()));
    }
    if (submission instanceof Submission.Unavailable unavailable) {
      return PistonError.respond(HttpStatus.SERVICE_UNAVAILABLE, unavailable.reason())
          .header(HttpHeaders.RETRY_AFTER, Long.toString(unavailable.retryAfterSeconds()));
    }
    if (submission instanceof Submission.Throttled throttled) {
      return PistonError.respond(HttpStatus.TOO_MANY_REQUESTS, throttled.reason())
          .header(HttpHeaders.RETRY_AFTER, Long.toString(throttled.retryAfterSeconds()));
    }
    return PistonError.respond(
        HttpStatus.REQUEST_ENTITY_TOO_LARGE, ((Submission.TooLarge) submission).reason());
  }

  static String describe(List<Violation> violations) {
    return violations.stream()
        .map(v -> v.field() + " " + v.message())
        .collect(Collectors.joining("; "));
  }

  private static CompletableFuture<HttpResponse<?>> done(HttpResponse<?> response) {
    return CompletableFuture.completedFuture(response);
  }
}
