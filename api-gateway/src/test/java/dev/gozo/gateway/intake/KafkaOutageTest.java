package dev.gozo.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.gateway.Json;
import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.fakes.RecordingJobPublisher;
import java.net.http.HttpResponse;
import java.util.Map;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How publishing failures reach the client, with the circuit breaker in between. */
class KafkaOutageTest {

  private static final String JOB =
      "{\"language\": \"python\", \"files\": [{\"name\": \"main.py\", \"content\": \"print(1)\"}]}";

  private TestGateway gateway;
  private RecordingJobPublisher kafka;

  @BeforeEach
  void start() {
    gateway = TestGateway.withFakeKafka(Map.of());
    kafka = gateway.bean(RecordingJobPublisher.class);
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void shouldAnswer503WithRetryAfterWhenKafkaTimesOut() {
    kafka.failWith = new TimeoutException("Topic gozo.jobs not present in metadata after 1000 ms");

    HttpResponse<String> response = gateway.post("/v1/executions", JOB);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(Json.object(response.body())).containsEntry("status", 503);
  }

  @Test
  void shouldRefuseAtOnceWhileTheCircuitIsOpen() {
    // given Kafka failed enough to open the circuit
    kafka.failWith = new TimeoutException("down");
    for (int i = 0; i < 3; i++) {
      assertThat(gateway.post("/v1/executions", JOB).statusCode()).isEqualTo(503);
    }

    // when Kafka is back but the circuit is still open
    kafka.failWith = null;
    HttpResponse<String> response = gateway.post("/v1/executions", JOB);

    // then the job is refused without trying Kafka
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After"))
        .contains(String.valueOf(Intake.OPEN_SECONDS));
    assertThat(kafka.jobs).isEmpty();
  }

  @Test
  void shouldAnswer413ForAJobKafkaFindsTooLargeWithoutOpeningTheCircuit() {
    kafka.failWith = new RecordTooLargeException("too large");
    for (int i = 0; i < 5; i++) {
      assertThat(gateway.post("/v1/executions", JOB).statusCode()).isEqualTo(413);
    }

    kafka.failWith = null;
    assertThat(gateway.post("/v1/executions", JOB).statusCode()).isEqualTo(202);
  }
}
