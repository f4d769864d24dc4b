package dev.gozo.gateway.metrics;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.time.Duration;

/**
 * Counts every submission (POST of a job, on our API and on the compatibility APIs) by its answer,
 * at the HTTP edge, so that refusals before the intake (a missing key, an unreadable body) count
 * too.
 */
@ServerFilter({
  "/v1/executions",
  "/api/v2/execute",
  "/judge0/submissions",
  "/judge0/submissions/batch"
})
public final class SubmissionMetricsFilter {

  private static final String STARTED = "gozo.metrics.started";

  private final GatewayMetrics metrics;

  public SubmissionMetricsFilter(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @RequestFilter
  public void start(HttpRequest<?> request) {
    request.setAttribute(STARTED, System.nanoTime());
  }

  @ResponseFilter
  public void count(HttpRequest<?> request, MutableHttpResponse<?> response) {
    if (request.getMethod() != HttpMethod.POST) {
      return;
    }
    long started = request.getAttribute(STARTED, Long.class).orElse(System.nanoTime());
    metrics.submission(
        api(request.getPath()), response.code(), Duration.ofNanos(System.nanoTime() - started));
  }

  static String api(String path) {
    if (path.startsWith("/api/v2/")) {
      return "piston";
    }
    if (path.startsWith("/judge0/")) {
      return "judge0";
    }
    return "v1";
  }
}
