package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A gateway whose Kafka address is dead answers quickly instead of hanging. */
class KafkaUnreachableIT {

  private static TestGateway gateway;

  @BeforeAll
  static void start() throws IOException {
    gateway = TestGateway.withKafka("127.0.0.1:" + closedPort(), Map.of());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void shouldRefuseJobsWith503AndRetryAfterWithinThreeSeconds() {
    for (int attempt = 0; attempt < 5; attempt++) {
      // when
      long start = System.nanoTime();
      HttpResponse<String> response = gateway.post("/v1/executions", GatewayKafkaIT.JOB);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      // then
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(took).isLessThan(Duration.ofSeconds(3));
      assertThat(response.headers().firstValue("Retry-After")).get().asString().matches("\\d+");
      assertThat(response.headers().firstValue("Content-Type"))
          .contains("application/problem+json");
      assertThat(Json.object(response.body())).containsEntry("status", 503);
    }
  }

  @Test
  void shouldReportUnhealthy() {
    long start = System.nanoTime();
    HttpResponse<String> health = gateway.get("/health", null);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(Json.object(health.body())).containsEntry("status", "DOWN");
    assertThat(took).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void shouldStillServeWhatNeedsNoKafka() {
    assertThat(gateway.get("/v1/runtimes", null).statusCode()).isEqualTo(200);
    assertThat(gateway.post("/v1/executions", "{}").statusCode()).isEqualTo(400);
  }

  /** A port on 127.0.0.1 that nothing listens on (bound once, then released). */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
