package dev.gozo.gateway.results;

import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.auth.ApiKeyFilter;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.gateway.problems.Problems;
import dev.gozo.jobspec.Violation;
import dev.gozo.topics.ResultSearch;
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
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/executions/{id}}: the job's current state or final result, from memory, or from
 * the results topic once memory no longer holds it ({@link ResultArchive}). With {@code ?wait=true}
 * it first waits (without a thread) for the final result, up to the timeout. Another tenant's job
 * is a 404, indistinguishable from an unknown one.
 */
@Controller("/v1/executions")
public final class ExecutionsController {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutionsController.class);

  private final JobStateStore store;
  private final ResultArchive archive;
  private final GatewayConfig config;

  public ExecutionsController(JobStateStore store, ResultArchive archive, GatewayConfig config) {
    this.store = store;
    this.archive = archive;
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

  /**
   * A result the store evicted (or never saw), read back from the results topic. Only a search that
   * read the whole partition may say 404; one that did not finish is a 503 with Retry-After.
   */
  private CompletableFuture<HttpResponse<?>> fromArchive(String id, String tenant) {
    CompletableFuture<ResultSearch> lookup;
    try {
      lookup = archive.find(id);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          Problems.unavailable("too many lookups of older results at once; retry shortly", 1));
    }
    return lookup.handle(
        (search, error) -> {
          if (error != null) {
            LOG.warn("job {}: reading its result back from Kafka failed", id, error);
            return Problems.unavailable(
                "could not read older results from Kafka; retry shortly", 1);
          }
          if (search instanceof ResultSearch.Unfinished unfinished) {
            LOG.warn("job {}: reading its result back did not finish: {}", id, unfinished.reason());
            return Problems.unavailable(
                "reading older results from Kafka did not finish in time; retry shortly", 1);
          }
          if (search instanceof ResultSearch.Found found
              && found.result().getTenant().equals(tenant)) {
            store.recordCompleted(found.result());
            return HttpResponse.ok(ExecutionView.of(JobState.finished(found.result())));
          }
          return Problems.executionNotFound(id);
        });
  }

  private HttpResponse<?> notFound(String id) {
    if (!store.isReplayed()) {
      // Right after start-up the result may simply not have been read back yet.
      return Problems.unavailable("the gateway is still reading results; retry shortly", 1);
    }
    return Problems.executionNotFound(id);
  }
}
