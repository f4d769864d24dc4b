package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

  @Test
  void shouldUseDocumentedDefaults() {
    // given only the one required setting
    try (ApplicationContext context = startWith(Map.of("gozo.api-keys", "acme:k"))) {
      // when
      GatewayConfig config = context.getBean(GatewayConfig.class);

      // then
      assertThat(config.apiKeys()).isEqualTo("acme:k");
      assertThat(config.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
      assertThat(config.catalogue()).isEmpty();
      assertThat(config.topicJobs()).isEqualTo("gozo.jobs");
      assertThat(config.topicEvents()).isEqualTo("gozo.events");
      assertThat(config.topicResults()).isEqualTo("gozo.results");
      assertThat(config.topicOutput()).isEqualTo("gozo.output");
      assertThat(config.topicInput()).isEqualTo("gozo.input");
      assertThat(config.waitTimeoutMs()).isEqualTo(30_000);
      assertThat(config.maxWaitTimeoutMs()).isEqualTo(120_000);
      assertThat(config.maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
      assertThat(config.maxInflightBodyBytes()).isEqualTo(32L * 1024 * 1024);
      assertThat(config.kafkaTimeoutMs()).isEqualTo(2_000);
      assertThat(config.storeMaxEntries()).isEqualTo(100_000);
      assertThat(config.storeMaxBytes()).isEqualTo(48L * 1024 * 1024);
      assertThat(config.maxWaiters()).isEqualTo(10_000);
      assertThat(config.eventsReplayMs()).isEqualTo(600_000);
      assertThat(config.maxQueuedPerTenant()).isEqualTo(1000);
      assertThat(config.resultScanTimeoutMs()).isEqualTo(3000);
      assertThat(config.sseHeartbeatMs()).isEqualTo(15_000);
      assertThat(config.liveMaxBytes()).isEqualTo(16L * 1024 * 1024);
      assertThat(config.liveJobMaxBytes()).isEqualTo(1024L * 1024);
      assertThat(config.liveSubscriberMaxBytes()).isEqualTo(1024L * 1024);
      assertThat(config.topicCallbacks()).isEqualTo("gozo.callbacks");
      assertThat(config.callbackAllowedHosts()).isEmpty();
      assertThat(config.callbackGroup()).isEqualTo("gozo-webhooks");
      assertThat(config.callbackRetryForMs()).isEqualTo(3_600_000);
      assertThat(config.callbackBackoffMs()).isEqualTo(1000);
      assertThat(config.callbackTimeoutMs()).isEqualTo(5000);
      assertThat(config.callbackMaxPending()).isEqualTo(1000);
      assertThat(config.callbackMaxRegistrations()).isEqualTo(20_000);
      assertThat(context.getProperty("micronaut.server.port", Integer.class)).contains(8080);
      assertThat(context.getProperty("micronaut.server.max-request-size", Long.class))
          .contains(8L * 1024 * 1024);
    }
  }

  @Test
  void shouldDeriveTheServerBodyLimitFromMaxBodyBytes() {
    // given
    Map<String, Object> props = Map.of("gozo.api-keys", "acme:k", "gozo.max-body-bytes", 4096);

    // when
    try (ApplicationContext context = startWith(props)) {
      // then
      assertThat(context.getProperty("micronaut.server.max-request-size", Long.class))
          .contains(4096L);
    }
  }

  @Test
  void shouldRefuseToStartWithoutApiKeys() {
    // given no gozo.api-keys, when / then
    assertThatThrownBy(() -> startWith(Map.of()).close())
        .hasStackTraceContaining("GOZO_API_KEYS is empty");
  }

  @Test
  void shouldRefuseToStartWithAWaitTimeoutAboveItsCap() {
    Map<String, Object> props =
        Map.of(
            "gozo.api-keys", "acme:k",
            "gozo.wait-timeout-ms", 60_000,
            "gozo.max-wait-timeout-ms", 1_000);

    assertThatThrownBy(() -> startWith(props).close())
        .hasStackTraceContaining("GOZO_MAX_WAIT_TIMEOUT_MS must be at least GOZO_WAIT_TIMEOUT_MS");
  }

  @Test
  void shouldRefuseToStartWithAnInvalidTopicName() {
    Map<String, Object> props = Map.of("gozo.api-keys", "acme:k", "gozo.topic-jobs", "no spaces");

    assertThatThrownBy(() -> startWith(props).close())
        .hasStackTraceContaining("GOZO_TOPIC_JOBS is not a valid topic name");
  }

  @Test
  void shouldRefuseToStartWithAnInvalidOutputOrInputTopicName() {
    Map<String, Object> output =
        Map.of("gozo.api-keys", "acme:k", "gozo.topic-output", "no spaces");
    Map<String, Object> input = Map.of("gozo.api-keys", "acme:k", "gozo.topic-input", "a/b");

    assertThatThrownBy(() -> startWith(output).close())
        .hasStackTraceContaining("GOZO_TOPIC_OUTPUT is not a valid topic name");
    assertThatThrownBy(() -> startWith(input).close())
        .hasStackTraceContaining("GOZO_TOPIC_INPUT is not a valid topic name");
  }

  /** Starts the application (without the HTTP server) with Kafka faked and no environment. */
  private static ApplicationContext startWith(Map<String, Object> props) {
    ApplicationContext context =
        ApplicationContext.builder()
            .environmentPropertySource(false)
            .deduceEnvironment(false)
            .environments(TestGateway.FAKE_KAFKA)
            .properties(props)
            .start();
    context.getBean(GatewayConfig.class);
    return context;
  }
}
