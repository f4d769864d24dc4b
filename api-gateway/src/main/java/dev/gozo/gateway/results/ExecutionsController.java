package dev.gozo.gateway.results;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.auth.ApiKeyFilter;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.gateway.problems.Problems;
import dev.gozo.jobspec.Violation;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v1/executions/{id}}: the job's current state or final result, from memory, or from
 * the results topic once memory no longer holds it ({@link ResultArchive}). With {@code ?wait=true}
 * it first waits (without a thread) for the final result, up to the timeout. Another tenant's job
 * is a 404, indistinguishable from an unknown one.
 */
@Controller("/v1/executions")
public final class ExecutionsController {

  private final JobStateStore store;
  private final JobLookup lookup;
  private final GatewayConfig config;

  public ExecutionsController(JobStateStore store, JobLookup lookup, GatewayConfig config) {
    this.store = store;
    this.lookup = lookup;
    this.config = config;
  }

  @Get("/{id}")
  public CompletableFuture<HttpResponse<?>> get(
      @RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
      @PathVariable("id") String id,
      @Nullable @QueryValue("wait") String wait,
      @Nullable @QueryValue("timeoutMs") String timeoutMs) {
    List<Violation> problems = new ArrayList<>();
    WaitRequest waitRequest = WaitRequest.parse(wait, timeoutMs, config, problems);
    if (!problems.isEmpty()) {
      return CompletableFuture.completedFuture(Problems.invalidRequest(problems));
    }
    Optional<JobState> state = store.find(id, tenant);
    if (state.isEmpty()) {
      return store.isReplayed()
          ? fromArchive(id, tenant)
          : CompletableFuture.completedFuture(notFound(id));
    }
    if (state.get().isFinished() || !waitRequest.waits()) {
      return CompletableFuture.completedFuture(HttpResponse.ok(ExecutionView.of(state.get())));
    }
    return store
        .awaitFinished(id, tenant, waitRequest.timeout())
        .thenApply(
            found ->
                found
                    .<HttpResponse<?>>map(s -> HttpResponse.ok(ExecutionView.of(s)))
                    .orElseGet(() -> notFound(id)));
  }

  /** The answer to a job the store does not hold: its result read back, 404 or 503. */
  private CompletableFuture<HttpResponse<?>> fromArchive(String id, String tenant) {
    return lookup.fromArchive(id, tenant).thenApply(found -> respond(id, found));
  }

  /** The HTTP answer to a lookup that found no job or could not finish: 404 or 503. */
  public static HttpResponse<?> respond(String id, JobLookup.Lookup lookup) {
    if (lookup instanceof JobLookup.Found found) {
      return HttpResponse.ok(ExecutionView.of(found.state()));
    }
    if (lookup instanceof JobLookup.Unavailable unavailable) {
      return Problems.unavailable(unavailable.reason(), 1);
    }
    return Problems.executionNotFound(id);
  }

  private HttpResponse<?> notFound(String id) {
    if (!store.isReplayed()) {
      // Right after start-up the result may simply not have been read back yet.
      return Problems.unavailable("the gateway is still reading results; retry shortly", 1);
    }
    return Problems.executionNotFound(id);
  }
}
