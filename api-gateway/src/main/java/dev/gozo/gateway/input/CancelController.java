package dev.gozo.gateway.input;

import dev.gozo.gateway.auth.ApiKeyFilter;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.problems.Problems;
import dev.gozo.gateway.results.ExecutionView;
import dev.gozo.gateway.results.ExecutionsController;
import dev.gozo.gateway.results.JobLookup;
import dev.gozo.protocol.v1.CancelRequest;
import dev.gozo.protocol.v1.JobInput;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.serde.annotation.Serdeable;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DELETE /v1/executions/{id}}: asks the workers to cancel the job, through the input topic
 * (the job may be queued, or running on any worker, submitted through any gateway). 202 once the
 * request is durable: the job then ends {@code CANCELLED} (a queued one never runs, a running one
 * is killed within a second), which GET and the event stream show. 409 when the job already has a
 * final result (it keeps it); 404 for an unknown job or another tenant's.
 */
@Controller("/v1/executions")
public final class CancelController {

  private static final Logger LOG = LoggerFactory.getLogger(CancelController.class);

  /** The answer to an accepted cancel. */
  @Serdeable
  public record CancelView(String id, String status, boolean cancelRequested) {}

  private final JobLookup lookup;
  private final JobInputPublisher publisher;

  public CancelController(JobLookup lookup, JobInputPublisher publisher) {
    this.lookup = lookup;
    this.publisher = publisher;
  }

  @Delete("/{id}")
  public CompletableFuture<HttpResponse<?>> cancel(
      @RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
      @PathVariable("id") String id) {
    return lookup
        .find(id, tenant)
        .thenCompose(
            found -> {
              if (!(found instanceof JobLookup.Found job)) {
                return CompletableFuture.completedFuture(ExecutionsController.respond(id, found));
              }
              JobState state = job.state();
              if (state.isFinished()) {
                return CompletableFuture.completedFuture(alreadyFinished(state));
              }
              JobInput cancel =
                  JobInput.newBuilder()
                      .setJobId(id)
                      .setTenant(tenant)
                      .setAtMs(System.currentTimeMillis())
                      .setCancel(CancelRequest.getDefaultInstance())
                      .build();
              return publisher
                  .publish(cancel)
                  .handle(
                      (ok, error) -> {
                        if (error != null) {
                          LOG.warn("job {}: cancel not published: {}", id, error.toString());
                          return Problems.unavailable(
                              "the cancel request could not be handed to the workers; retry", 1);
                        }
                        return HttpResponse.status(HttpStatus.ACCEPTED)
                            .header(HttpHeaders.LOCATION, "/v1/executions/" + id)
                            .body(new CancelView(id, state.phase().name(), true));
                      });
            });
  }

  private static HttpResponse<?> alreadyFinished(JobState state) {
    String status = ExecutionView.of(state).status();
    return Problems.respond(
        HttpStatus.CONFLICT,
        "execution-finished",
        "Execution already finished",
        "execution '" + state.jobId() + "' already finished with status " + status);
  }
}
