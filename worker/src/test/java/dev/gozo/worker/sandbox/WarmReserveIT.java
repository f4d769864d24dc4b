package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import dev.gozo.protocol.v1.Runtime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A language's reserve of warm containers (docs/adr/0003): a burst of jobs runs in containers
 * started before it, each in its own, and the pool gets back to its reserve, without the spent
 * ones, once the worker is quiet.
 */
class WarmReserveIT {

  private static final String HOSTNAME = "import socket\nprint(socket.gethostname())\n";
  private static final int RESERVE = 4;

  @Test
  void shouldServeABurstFromTheReserveAndRestoreItWhenQuiet() {
    try (SandboxHarness harness = new SandboxHarness(1)) {
      // given: a python reserve of 4, started
      Runtime python = harness.catalogue.resolve("python", "").orElseThrow();
      harness.sandbox.warmUp(Map.of(python, RESERVE));
      await("the reserve started")
          .atMost(Duration.ofSeconds(60))
          .until(() -> running(harness).size() == RESERVE);
      Set<String> reserve = running(harness);

      // when: a burst of as many jobs, back to back
      List<String> hosts = new ArrayList<>();
      for (int i = 0; i < RESERVE; i++) {
        hosts.add(stdout(harness.job("python").file("main.py", HOSTNAME).run()).trim());
      }

      // then: every job ran in a container of the reserve, each in its own
      assertThat(hosts).doesNotHaveDuplicates();
      assertThat(hosts)
          .allSatisfy(
              host -> assertThat(reserve).anySatisfy(id -> assertThat(id).startsWith(host)));
      // and once quiet, the reserve is whole again and the spent containers are gone
      await("the reserve restored, the spent containers removed")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                List<Container> all = harness.containersOfThisTest();
                assertThat(all).hasSize(RESERVE);
                assertThat(all).allSatisfy(c -> assertThat(c.getState()).isEqualTo("running"));
                assertThat(all)
                    .noneSatisfy(
                        c ->
                            assertThat(hosts).anySatisfy(h -> assertThat(c.getId()).startsWith(h)));
              });
    }
  }

  private static Set<String> running(SandboxHarness harness) {
    return harness.containersOfThisTest().stream()
        .filter(c -> "running".equals(c.getState()))
        .map(Container::getId)
        .collect(Collectors.toSet());
  }
}
