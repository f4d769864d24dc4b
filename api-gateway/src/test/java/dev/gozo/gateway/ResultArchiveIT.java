package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gozo.gateway.jobs.JobIds;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.protocol.v1.ExecuteJob;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway whose store keeps only two jobs still answers for older ones: it reads their results
 * back from the results topic of a real broker, for their own tenant only.
 */
class ResultArchiveIT {

  private static KafkaFixture kafka;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    kafka = new KafkaFixture();
    Map<String, Object> props = new HashMap<>(kafka.gatewayProperties());
    props.put("gozo.store-max-entries", 2);
    gateway = TestGateway.withKafka(kafka.bootstrap, props);
  }

  @AfterAll
  static void stop() throws Exception {
    // Closed in reverse order, gateway first; a null (failed start) is skipped.
    try (KafkaFixture broker = kafka;
        TestGateway server = gateway) {
      // nothing else to do
    }
  }

  @Test
  void shouldReadAnEvictedResultBackFromTheResultsTopicForItsTenantOnly() {
    // given five finished jobs, of which the store keeps only the last two (published one after
    // the other: results on different partitions may otherwise be read in any order)
    JobStateStore store = gateway.bean(JobStateStore.class);
    String[] ids = new String[5];
    for (int i = 0; i < ids.length; i++) {
      String id = JobIds.next();
      ids[i] = id;
      kafka.publishResult(
          KafkaFixture.succeeded(
              job(id), "worker-a", ("out " + i + "\n").getBytes(StandardCharsets.UTF_8)));
      await().atMost(Duration.ofSeconds(20)).until(() -> store.knows(id));
    }
    assertThat(store.knows(ids[0])).as("evicted from memory").isFalse();

    // when
    HttpResponse<String> old = gateway.get("/v1/executions/" + ids[0], TestGateway.KEY);

    // then
    assertThat(old.statusCode()).as(old.body()).isEqualTo(200);
    Map<String, Object> body = Json.object(old.body());
    assertThat(body).containsEntry("status", "SUCCEEDED").containsEntry("id", ids[0]);
    @SuppressWarnings("unchecked")
    Map<String, Object> run = (Map<String, Object>) body.get("run");
    assertThat(run).containsEntry("stdout", "out 0\n");

    // and another tenant cannot read it, nor can anyone read a job that never ran
    assertThat(gateway.get("/v1/executions/" + ids[1], TestGateway.OTHER_KEY).statusCode())
        .isEqualTo(404);
    assertThat(gateway.get("/v1/executions/" + JobIds.next(), TestGateway.KEY).statusCode())
        .isEqualTo(404);
    assertThat(gateway.get("/v1/executions/" + ids[1], TestGateway.KEY).statusCode())
        .isEqualTo(200);
  }

  @Test
  void shouldAnswer503WithRetryAfterWhenReadingAnOlderResultBackDoesNotFinishInTime() {
    // given: a gateway whose store keeps one job and whose read-back cannot finish in 1 ms
    Map<String, Object> props = new HashMap<>(kafka.gatewayProperties());
    props.put("gozo.store-max-entries", 1);
    props.put("gozo.result-scan-timeout-ms", 1);
    try (TestGateway hurried = TestGateway.withKafka(kafka.bootstrap, props)) {
      JobStateStore store = hurried.bean(JobStateStore.class);
      String older = JobIds.next();
      String newer = JobIds.next();
      for (String id : new String[] {older, newer}) {
        kafka.publishResult(
            KafkaFixture.succeeded(job(id), "worker-a", "x\n".getBytes(StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(20)).until(() -> store.knows(id));
      }
      assertThat(store.knows(older)).as("evicted from memory").isFalse();

      // when
      HttpResponse<String> reply = hurried.get("/v1/executions/" + older, TestGateway.KEY);

      // then: "not found" would be a lie, the result exists
      assertThat(reply.statusCode()).as(reply.body()).isEqualTo(503);
      assertThat(reply.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(reply.body()).contains("did not finish");
    }
  }

  private static ExecuteJob job(String id) {
    return ExecuteJob.newBuilder()
        .setJobId(id)
        .setTenant(TestGateway.TENANT)
        .setLanguage("python")
        .setVersion("3.11.2")
        .setSubmittedAtMs(System.currentTimeMillis())
        .build();
  }
}
