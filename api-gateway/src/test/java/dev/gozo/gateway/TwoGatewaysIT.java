package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gateways share nothing but Kafka: any of them answers for a job submitted through another, and
 * one started later reads finished jobs back from the results topic.
 */
class TwoGatewaysIT {

  private static KafkaFixture kafka;
  private static TestGateway first;
  private static TestGateway second;

  @BeforeAll
  static void start() {
    kafka = new KafkaFixture();
    first = TestGateway.withKafka(kafka.bootstrap, kafka.gatewayProperties());
    second = TestGateway.withKafka(kafka.bootstrap, kafka.gatewayProperties());
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {first, second, kafka}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  @Test
  void shouldAnswerOnAnyGatewayForAJobSubmittedThroughAnother() {
    // given a job submitted through the first gateway
    HttpResponse<String> accepted = first.post("/v1/executions", GatewayKafkaIT.JOB);
    assertThat(accepted.statusCode()).isEqualTo(202);
    String id = (String) Json.object(accepted.body()).get("id");
    ExecuteJob job = kafka.awaitJob(id);

    // then the second gateway learns of it from the events topic
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "QUEUED"
                    .equals(
                        GatewayKafkaIT.status(
                            second.get("/v1/executions/" + id, TestGateway.KEY))));
    assertThat(second.get("/v1/executions/" + id, TestGateway.OTHER_KEY).statusCode())
        .isEqualTo(404);

    // when a client waits on the second gateway and the worker finishes
    CompletableFuture<HttpResponse<String>> waiting =
        second.getAsync("/v1/executions/" + id + "?wait=true&timeoutMs=30000", TestGateway.KEY);
    await().atMost(Duration.ofSeconds(10)).until(() -> waiters(second) > 0);
    kafka.publishResult(
        KafkaFixture.succeeded(job, "worker-x", "hello\n".getBytes(StandardCharsets.UTF_8)));

    // then the waiting client gets the result from the second gateway, and the first has it too
    HttpResponse<String> result = waiting.join();
    assertThat(result.statusCode()).isEqualTo(200);
    assertThat(Json.object(result.body())).containsEntry("status", "SUCCEEDED");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "SUCCEEDED"
                    .equals(
                        GatewayKafkaIT.status(first.get("/v1/executions/" + id, TestGateway.KEY))));
  }

  @Test
  void shouldReadFinishedJobsBackAfterARestartKeepingTheFirstResult() {
    // given a job finished twice (a redelivered job), both results on the topic
    HttpResponse<String> accepted = first.post("/v1/executions", GatewayKafkaIT.JOB);
    String id = (String) Json.object(accepted.body()).get("id");
    ExecuteJob job = kafka.awaitJob(id);
    kafka.publishResult(
        KafkaFixture.succeeded(job, "worker-1", "first\n".getBytes(StandardCharsets.UTF_8)));
    JobCompleted second =
        KafkaFixture.succeeded(job, "worker-2", "second\n".getBytes(StandardCharsets.UTF_8))
            .toBuilder()
            .setStatus(JobStatus.RUNTIME_ERROR)
            .build();
    kafka.publishResult(second);

    // when a gateway starts afterwards
    try (TestGateway restarted =
        TestGateway.withKafka(kafka.bootstrap, kafka.gatewayProperties())) {
      // then once it has read the results back, the job is there with its first result
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> restarted.get("/v1/executions/" + id, TestGateway.KEY).statusCode() == 200);
      Map<String, Object> body =
          Json.object(restarted.get("/v1/executions/" + id, TestGateway.KEY).body());
      assertThat(body).containsEntry("status", "SUCCEEDED").containsEntry("workerId", "worker-1");
      assertThat(body.get("run").toString()).contains("first");
      assertThat(restarted.get("/v1/executions/" + id, TestGateway.OTHER_KEY).statusCode())
          .isEqualTo(404);
    }
  }

  private static int waiters(TestGateway gateway) {
    return gateway.bean(dev.gozo.gateway.jobs.JobStateStore.class).waitingRequests();
  }
}
