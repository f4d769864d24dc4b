package dev.gozo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics as an operator meets them: a real Prometheus (Debian's package, which scripts/test
 * installs) scrapes a running gateway and worker; after N jobs, PromQL counts N. The alert rules
 * and every query of the Grafana dashboard are checked by promtool.
 */
class MetricsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path REPO = SystemUnderTest.repoRoot();

  private static SystemUnderTest system;
  private static GatewayClient gateway;
  private static int prometheusPort;

  @BeforeAll
  static void startSystemAndPrometheus() throws IOException {
    system = new SystemUnderTest();
    system.startBroker();
    system.createTopics();
    gateway = system.startGateway("metrics");
    int workerHealthPort = SystemUnderTest.freePort();
    system.startWorker("metrics", Map.of("GOZO_HEALTH_PORT", Integer.toString(workerHealthPort)));
    prometheusPort = SystemUnderTest.freePort();
    Path config = system.workDir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: gateway
            static_configs: [{targets: ['127.0.0.1:%d']}]
          - job_name: worker
            static_configs: [{targets: ['127.0.0.1:%d']}]
        """
            .formatted(gateway.port, workerHealthPort));
    ManagedProcess prometheus =
        ManagedProcess.start(
            "prometheus",
            List.of(
                "prometheus",
                "--config.file=" + config,
                "--storage.tsdb.path=" + system.workDir.resolve("prometheus-data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort),
            Map.of(),
            system.workDir);
    system.track(prometheus);
    SystemUnderTest.awaitPort(prometheusPort, Duration.ofSeconds(60), prometheus);
  }

  @AfterAll
  static void stopSystem() {
    system.close();
  }

  @Test
  void shouldCountEveryJobInPrometheusOnceFromGatewayAndWorker() throws Exception {
    // given
    int jobs = 5;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      GatewayClient.Reply reply =
          gateway.submit(GatewayClient.pythonJob("print(" + i + ")"), "?wait=true");
      assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
      ids.add(reply.body().get("id").asText());
    }
    GatewayClient.Reply refused = gateway.submit("{\"language\": \"no-such\"}", "");
    assertThat(refused.status()).isEqualTo(400);

    // then: the worker counted each job once, the gateway each submission
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(query("sum(gozo_jobs_finished_total{status=\"SUCCEEDED\"})"))
                  .isEqualTo(jobs);
              assertThat(query("sum(gozo_jobs_submitted_total{api=\"v1\"})")).isEqualTo(jobs);
              assertThat(query("sum(gozo_jobs_rejected_total{reason=\"invalid\"})")).isEqualTo(1);
              assertThat(query("sum(gozo_job_end_to_end_seconds_count)")).isEqualTo(jobs);
              assertThat(query("sum(gozo_worker_slots_alive)")).isEqualTo(2);
            });
    assertThat(query("count(gozo_jobs_finished_total)"))
        .as("no job id became a label")
        .isLessThan(jobs);
  }

  @Test
  void shouldShipAlertRulesAndDashboardQueriesThatPrometheusAccepts() throws Exception {
    assertThat(promtool("check", "rules", REPO.resolve("deploy/prometheus/alerts.yml").toString()))
        .contains("SUCCESS: 5 rules found");

    // Every query of the dashboard, as a recording rule: promtool parses each one.
    JsonNode dashboard =
        JSON.readTree(REPO.resolve("deploy/grafana/gozolite-dashboard.json").toFile());
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int count = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        rules
            .append("      - record: gozo:dashboard:q")
            .append(++count)
            .append("\n        expr: ")
            .append(JSON.writeValueAsString(target.get("expr").asText()))
            .append('\n');
      }
    }
    Path file = system.workDir.resolve("dashboard-rules.yml");
    Files.writeString(file, rules);
    assertThat(promtool("check", "rules", file.toString()))
        .contains("SUCCESS: " + count + " rules found");
  }

  private static double query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + prometheusPort
                            + "/api/v1/query?query="
                            + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode result = JSON.readTree(response.body()).path("data").path("result");
    assertThat(result.size()).as(promql + " -> " + response.body()).isEqualTo(1);
    return result.get(0).get("value").get(1).asDouble();
  }

  private static String promtool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
    return output;
  }
}
