package dev.gozo.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.gateway.TestGateway;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} counts submissions by outcome, including refusals before the intake. */
class MetricsApiTest {

  private static final String JOB =
      "{\"language\": \"python\", \"files\": [{\"name\": \"main.py\", \"content\": \"print(1)\"}]}";

  @AutoClose private static final TestGateway gateway = TestGateway.withFakeKafka(Map.of());

  @Test
  void shouldCountAcceptedAndRefusedSubmissionsWithoutJobIdsOrKeys() {
    // given
    HttpResponse<String> accepted = gateway.post("/v1/executions", JOB);
    gateway.post("/v1/executions", JOB);
    gateway.post("/v1/executions", "{\"language\": \"no-such-language\", \"files\": []}");

    // when
    HttpResponse<String> metrics = gateway.get("/metrics", null);

    // then
    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("gozo_jobs_submitted_total{api=\"v1\",reason=\"accepted\"} 2.0")
        .contains("gozo_jobs_rejected_total{api=\"v1\",reason=\"invalid\"} 1.0")
        .contains("gozo_submission_seconds_count{api=\"v1\",outcome=\"accepted\"} 2")
        .doesNotContain(TestGateway.KEY);
  }

  @Test
  void shouldNameTheReasonOfEachRefusal() {
    assertThat(GatewayMetrics.outcome(202)).isEqualTo("accepted");
    assertThat(GatewayMetrics.outcome(422)).isEqualTo("invalid");
    assertThat(GatewayMetrics.outcome(401)).isEqualTo("unauthorized");
    assertThat(GatewayMetrics.outcome(429)).isEqualTo("throttled");
    assertThat(GatewayMetrics.outcome(503)).isEqualTo("unavailable");
    assertThat(GatewayMetrics.outcome(500)).isEqualTo("error");
    assertThat(SubmissionMetricsFilter.api("/api/v2/execute")).isEqualTo("piston");
    assertThat(SubmissionMetricsFilter.api("/judge0/submissions")).isEqualTo("judge0");
  }
}
