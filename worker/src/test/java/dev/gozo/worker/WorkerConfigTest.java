package dev.gozo.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

  /** Every variable read as a number; a bad value must be refused naming the variable. */
  private static final List<String> NUMERIC_VARIABLES =
      List.of(
          "GOZO_WORKER_CONCURRENCY",
          "GOZO_MAX_ATTEMPTS",
          "GOZO_SHUTDOWN_GRACE_MS",
          "GOZO_WARM_PER_RUNTIME",
          "GOZO_SANDBOX_CPUS",
          "GOZO_LOCK_DURATION_MS",
          "GOZO_RECYCLE_MAX_JOBS",
          "GOZO_INTERACTIVE_IDLE_MS",
          "GOZO_INPUT_LOOKBACK_MS",
          "GOZO_HEALTH_PORT",
          "GOZO_DUPLICATE_WINDOW_MS",
          "GOZO_OWNER_LEASE_TTL_MS",
          "GOZO_ORPHAN_STALE_AFTER_MS");

  @Test
  void shouldPinTheDefaults() {
    WorkerConfig config = WorkerConfig.fromEnvironment(Map.of("GOZO_WORKER_ID", "w1"));

    assertThat(WorkerConfig.fromEnvironment(Map.of()).workerId()).matches("worker-[0-9a-f]{8}");
    assertThat(config.workerId()).isEqualTo("w1");
    assertThat(config.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(config.jobsTopic()).isEqualTo("gozo.jobs");
    assertThat(config.eventsTopic()).isEqualTo("gozo.events");
    assertThat(config.resultsTopic()).isEqualTo("gozo.results");
    assertThat(config.shareGroup()).isEqualTo("gozo-workers");
    assertThat(config.concurrency()).isEqualTo(4);
    assertThat(config.maxAttempts()).isEqualTo(3);
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.warmPerRuntime()).isEqualTo(1);
    assertThat(config.containerRuntime()).isEmpty();
    assertThat(config.sandboxCpus()).isEqualTo(1.0);
    assertThat(config.lockDuration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.cgroupRoot()).isEqualTo("/sys/fs/cgroup");
    assertThat(config.warmLanguages()).isEqualTo("python:100,javascript:4,bash,c,cpp,java");
    assertThat(config.reserveOf("python")).hasValue(100);
    assertThat(config.reserveOf("java")).as("a bare name keeps GOZO_WARM_PER_RUNTIME").hasValue(1);
    assertThat(config.keepsWarm("java")).isTrue();
    assertThat(config.keepsWarm("cobol")).isFalse();
    assertThat(config.recyclePolicy().tenants()).as("recycling is opt-in").isEmpty();
    assertThat(config.recyclePolicy().allows("anyone")).isFalse();
    assertThat(config.recycleMaxJobs()).isEqualTo(50);
    assertThat(config.ownerLeaseTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.orphanStaleAfter()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.catalogue()).as("blank: the bundled catalogue").isEmpty();
    assertThat(config.dockerHost()).isEqualTo("unix:///var/run/docker.sock");
    assertThat(config.recycleTenants()).isEmpty();
    assertThat(config.healthPort()).isEqualTo(8081);
    assertThat(config.duplicateWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.interactiveIdle()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.inputLookback()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void shouldTakeTheTopicDefaultsFromTheOneDefinition() {
    WorkerConfig config = WorkerConfig.fromEnvironment(Map.of());

    assertThat(
            List.of(
                config.jobsTopic(),
                config.eventsTopic(),
                config.resultsTopic(),
                config.outputTopic(),
                config.inputTopic()))
        .isEqualTo(Topics.DEFAULT.names());
    assertThat(config.shareGroup()).isEqualTo(Topics.DEFAULT.shareGroup());
    assertThat(config.lockDuration()).isEqualTo(Topics.LOCK_DURATION);
  }

  @Test
  void shouldNameTheVariableAndTheValueWhenANumberDoesNotParse() {
    for (String variable : NUMERIC_VARIABLES) {
      assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of(variable, "12x")))
          .as(variable)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(variable)
          .hasMessageContaining("'12x'");
    }
  }

  @Test
  void shouldReadAReservePerLanguage() {
    WorkerConfig config =
        WorkerConfig.fromEnvironment(
            Map.of("GOZO_WARM_LANGUAGES", "ruby:8, *", "GOZO_WARM_PER_RUNTIME", "2"));

    assertThat(config.reserveOf("ruby")).hasValue(8);
    assertThat(config.reserveOf("Ruby")).hasValue(8);
    assertThat(config.reserveOf("go")).hasValue(2);
  }

  @Test
  void shouldRefuseAReserveOutOfRange() {
    assertThatThrownBy(
            () -> WorkerConfig.fromEnvironment(Map.of("GOZO_WARM_LANGUAGES", "python:257")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GOZO_WARM_LANGUAGES");
    assertThatThrownBy(
            () -> WorkerConfig.fromEnvironment(Map.of("GOZO_WARM_LANGUAGES", "python:lots")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("python:lots");
  }

  @Test
  void shouldRecycleOnlyForTheTenantsNamed() {
    WorkerConfig config =
        WorkerConfig.fromEnvironment(
            Map.of("GOZO_RECYCLE_TENANTS", " ci , batch ", "GOZO_RECYCLE_MAX_JOBS", "10"));

    assertThat(config.recyclePolicy().allows("ci")).isTrue();
    assertThat(config.recyclePolicy().allows("batch")).isTrue();
    assertThat(config.recyclePolicy().allows("other")).isFalse();
    assertThat(config.recyclePolicy().maxJobsPerContainer()).isEqualTo(10);
  }

  @Test
  void shouldLockJobsLongerThanTheLongestJobTheBundledCatalogueAllows() {
    WorkerConfig config = WorkerConfig.fromEnvironment(Map.of());

    assertThat(config.lockDuration())
        .isGreaterThan(WorkerMain.Worker.longestJob(RuntimeCatalogue.bundled()));
  }

  @Test
  void shouldRefuseNonsenseAtStartUp() {
    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("GOZO_WORKER_CONCURRENCY", "0")))
        .hasMessageContaining("GOZO_WORKER_CONCURRENCY");
    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("GOZO_WORKER_ID", "../x")))
        .hasMessageContaining("GOZO_WORKER_ID");
  }
}
