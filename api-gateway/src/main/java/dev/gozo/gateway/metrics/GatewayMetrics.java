package dev.gozo.gateway.metrics;

import dev.gozo.gateway.jobs.JobStateStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * The gateway's Prometheus metrics ({@code GET /metrics}): submissions by API and answer, and how
 * long answering took. Finished jobs are counted by the workers (each job once, fleet-wide), not
 * here: every gateway sees every result. Labels are bounded (api, outcome, status code class).
 */
@Singleton
public final class GatewayMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public GatewayMetrics(JobStateStore store) {
    // Every gateway reads every job's events, so each one sees the whole fleet's queue: take the
    // max over gateways, not the sum. This is the "jobs waiting" that autoscaling follows.
    Gauge.builder("gozo_jobs_queued", store::queued)
        .description("Jobs accepted and not yet started, fleet-wide, as this gateway sees them")
        .register(registry);
    Gauge.builder("gozo_wait_requests", store::waitingRequests)
        .description("Requests waiting for a result on this gateway (?wait=true)")
        .register(registry);
  }

  /**
   * A submission was answered. {@code outcome} is "accepted" for 200/202, else the reason for the
   * refusal: invalid (400/422), unauthorized (401), too_large (413), throttled (429), unavailable
   * (503), error (5xx).
   */
  public void submission(String api, int status, Duration took) {
    String outcome = outcome(status);
    Counter.builder(outcome.equals("accepted") ? "gozo_jobs_submitted" : "gozo_jobs_rejected")
        .description("Submissions answered by this gateway, by API and outcome")
        .tag("api", api)
        .tag("reason", outcome)
        .register(registry)
        .increment();
    Timer.builder("gozo_submission")
        .description("Time to answer a submission (a ?wait=true one includes the run)")
        .tag("api", api)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
  }

  static String outcome(int status) {
    return switch (status) {
      case 200, 201, 202 -> "accepted";
      case 400, 422 -> "invalid";
      case 401, 403 -> "unauthorized";
      case 413 -> "too_large";
      case 429 -> "throttled";
      case 503 -> "unavailable";
      default -> status >= 500 ? "error" : "other";
    };
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** For other parts of the gateway that keep metrics of their own (webhooks, say). */
  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
