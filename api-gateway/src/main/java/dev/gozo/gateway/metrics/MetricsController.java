package dev.gozo.gateway.metrics;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;

/**
 * {@code GET /metrics}: Prometheus text format. Public like {@code /health}: it holds counts and
 * timings by API and outcome, no job, key or tenant; put it behind the operator's network if even
 * that is too much.
 */
@Controller("/metrics")
public final class MetricsController {

  private final GatewayMetrics metrics;

  public MetricsController(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Get
  @Produces("text/plain; version=0.0.4; charset=utf-8")
  public String scrape() {
    return metrics.scrape();
  }
}
