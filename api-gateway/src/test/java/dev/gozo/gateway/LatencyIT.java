package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How long clients wait, measured end to end over loopback with a real broker and a simulated
 * worker (no sandbox). Prints the distribution; the bounds only catch gross regressions.
 */
class LatencyIT {

  private static KafkaFixture kafka;
  private static TestGateway gateway;
  private static SimulatedWorker worker;

  @BeforeAll
  static void start() {
    kafka = new KafkaFixture();
    gateway = TestGateway.withKafka(kafka.bootstrap, kafka.gatewayProperties());
    worker = new SimulatedWorker(kafka);
    // warm-up: connections, metadata, JIT
    for (int i = 0; i < 20; i++) {
      gateway.post("/v1/executions?wait=true&timeoutMs=10000", GatewayKafkaIT.JOB);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    worker.close();
    gateway.close();
    kafka.close();
  }

  @Test
  void shouldAcceptAsyncJobsQuickly() {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      long start = System.nanoTime();
      HttpResponse<String> response = gateway.post("/v1/executions", GatewayKafkaIT.JOB);
      millis.add((System.nanoTime() - start) / 1_000_000);
      assertThat(response.statusCode()).isEqualTo(202);
    }

    report("POST (202, acks=all)", millis);
    assertThat(percentile(millis, 95)).isLessThan(500);
  }

  @Test
  void shouldAnswerWaitingJobsSoonAfterTheWorker() {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      long start = System.nanoTime();
      HttpResponse<String> response =
          gateway.post("/v1/executions?wait=true&timeoutMs=10000", GatewayKafkaIT.JOB);
      millis.add((System.nanoTime() - start) / 1_000_000);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(Json.object(response.body())).containsEntry("status", "SUCCEEDED");
    }

    report("POST ?wait=true (200, simulated worker)", millis);
    assertThat(percentile(millis, 95)).isLessThan(2000);
  }

  private static void report(String what, List<Long> millis) {
    System.out.printf(
        "LATENCY %s: n=%d p50=%d ms p95=%d ms max=%d ms%n",
        what,
        millis.size(),
        percentile(millis, 50),
        percentile(millis, 95),
        Collections.max(millis));
  }

  private static long percentile(List<Long> values, int percentile) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }
}
