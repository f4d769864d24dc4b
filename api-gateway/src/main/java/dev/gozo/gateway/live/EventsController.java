package dev.gozo.gateway.live;

import dev.gozo.gateway.auth.ApiKeyFilter;
import dev.gozo.gateway.problems.Problems;
import dev.gozo.gateway.results.ExecutionsController;
import dev.gozo.gateway.results.JobLookup;
import dev.gozo.jobspec.Violation;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.RequestAttribute;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/executions/{id}/events}: the job's live stream as server-sent events: queued,
 * started, stage, stdout/stderr, then result (the body GET returns) and the end of the stream.
 * Every event has an id ({@link EventId}); {@code Last-Event-ID} resumes strictly after it, and a
 * client that already has the result gets 204 (which tells an EventSource to stop reconnecting).
 * Same key rules as GET: another tenant's job is a 404.
 */
@Controller("/v1/executions")
public final class EventsController {

  private static final Logger LOG = LoggerFactory.getLogger(EventsController.class);

  private final JobLookup lookup;
  private final LiveHub hub;
  private final LiveJson json;

  public EventsController(JobLookup lookup, LiveHub hub, LiveJson json) {
    this.lookup = lookup;
    this.hub = hub;
    this.json = json;
  }

  @Get(
      value = "/{id}/events",
      produces = {MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON_PROBLEM})
  public CompletableFuture<HttpResponse<?>> events(
      @RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
      @PathVariable("id") String id,
      @Nullable @Header("Last-Event-ID") String lastEventId) {
    Optional<EventId> resumeAfter = EventId.parse(lastEventId);
    if (lastEventId != null && resumeAfter.isEmpty()) {
      return CompletableFuture.completedFuture(
          Problems.invalidRequest(
              List.of(
                  new Violation(
                      "Last-Event-ID", "must be an event id this stream sent, such as 1-3"))));
    }
    return lookup
        .find(id, tenant)
        .thenCompose(
            found -> {
              if (!(found instanceof JobLookup.Found job)) {
                return CompletableFuture.completedFuture(ExecutionsController.respond(id, found));
              }
              if (EventId.RESULT.equals(resumeAfter.orElse(null))) {
                return CompletableFuture.completedFuture(HttpResponse.noContent());
              }
              SseStream stream = new SseStream(json);
              CompletableFuture<LiveSubscription> subscribed;
              try {
                subscribed = hub.subscribe(job.state(), resumeAfter.orElse(null), stream);
              } catch (RuntimeException e) {
                subscribed = CompletableFuture.failedFuture(e);
              }
              return subscribed.handle(
                  (subscription, error) -> {
                    if (error != null) {
                      LOG.warn("job {}: could not read its output back: {}", id, error.toString());
                      return Problems.unavailable(
                          "could not read the job's output back from Kafka; retry shortly", 1);
                    }
                    stream.attach(subscription);
                    return HttpResponse.ok(stream)
                        .contentType(MediaType.TEXT_EVENT_STREAM_TYPE)
                        .header("Cache-Control", "no-cache")
                        .header("X-Accel-Buffering", "no");
                  });
            });
  }
}
