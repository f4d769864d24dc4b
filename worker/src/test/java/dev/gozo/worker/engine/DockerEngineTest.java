package dev.gozo.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How the Docker adapter reads what the engine says, without an engine. */
class DockerEngineTest {

  @Test
  void shouldReadTheEnginesSystemTimeWithAnyOffsetAndFraction() {
    Instant expected = Instant.parse("2026-12-02T01:54:20.368101606Z");

    assertThat(DockerEngine.parseTime("2026-12-02T01:54:20.368101606Z")).isEqualTo(expected);
    assertThat(DockerEngine.parseTime("2026-12-02T02:54:20.368101606+01:00")).isEqualTo(expected);
    assertThat(DockerEngine.parseTime("2026-12-02T01:54:20.3681Z"))
        .isEqualTo(Instant.parse("2026-12-02T01:54:20.368100Z"));
  }
}
