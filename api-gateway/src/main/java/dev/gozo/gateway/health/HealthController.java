package dev.gozo.gateway.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /health}: 200 {"status":"UP"} when Kafka answers, else 503. Public, so load balancers
 * need no key; the gateway is useless without Kafka, hence Kafka decides.
 */
@Controller("/health")
public final class HealthController {

  /** The health document. */
  @Serdeable
  public record Health(String status, @JsonInclude(JsonInclude.Include.NON_NULL) String detail) {}

  private final ClusterProbe kafka;

  public HealthController(ClusterProbe kafka) {
    this.kafka = kafka;
  }

  @Get
  public CompletableFuture<HttpResponse<Health>> health() {
    return kafka
        .reachable()
        .thenApply(
            up ->
                up
                    ? HttpResponse.ok(new Health("UP", null))
                    : HttpResponse.<Health>status(HttpStatus.SERVICE_UNAVAILABLE)
                        .body(new Health("DOWN", "Kafka is unreachable")));
  }
}
