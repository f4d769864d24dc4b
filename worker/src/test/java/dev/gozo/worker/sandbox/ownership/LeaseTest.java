package dev.gozo.worker.sandbox.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Container;
import dev.gozo.worker.engine.ContainerSummary;
import dev.gozo.worker.engine.DockerEngine;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The liveness rule of an owner lease, against the engine's clock. */
class LeaseTest {

  private static final long CREATED = 1_800_000_000L;

  @Test
  void shouldHoldForItsTtlAfterTheEndOfTheSecondTheEngineReportsAndNoLonger() {
    Lease lease = new Lease("c1", "worker-a", CREATED, Duration.ofSeconds(2));

    // The engine reports creation truncated to the second: the lease may be up to 1 s younger.
    assertThat(lease.liveAt(Instant.ofEpochSecond(CREATED))).isTrue();
    assertThat(lease.liveAt(Instant.ofEpochSecond(CREATED + 2, 999_999_999))).isTrue();
    assertThat(lease.liveAt(Instant.ofEpochSecond(CREATED + 3))).isFalse();
    assertThat(lease.liveAt(Instant.ofEpochSecond(CREATED + 3600))).isFalse();
  }

  @Test
  void shouldReadOwnerCreationAndTtlFromTheEnginesListing() throws Exception {
    Lease lease =
        Lease.of(
            listed(
                "{\"Id\":\"c1\",\"Created\":"
                    + CREATED
                    + ",\"Labels\":{\"dev.gozo.owner\":\"worker-a\","
                    + "\"dev.gozo.role\":\"lease\",\"dev.gozo.lease-ttl-ms\":\"60000\"}}"));

    assertThat(lease).isEqualTo(new Lease("c1", "worker-a", CREATED, Duration.ofMinutes(1)));
    assertThat(lease.liveAt(Instant.ofEpochSecond(CREATED + 60))).isTrue();
    assertThat(lease.liveAt(Instant.ofEpochSecond(CREATED + 61))).isFalse();
  }

  @Test
  void shouldTreatALeaseWithoutAReadableTtlAsOver() throws Exception {
    String labels = "\"dev.gozo.owner\":\"worker-a\",\"dev.gozo.role\":\"lease\"";
    Lease withoutTtl =
        Lease.of(listed("{\"Id\":\"c1\",\"Created\":" + CREATED + ",\"Labels\":{" + labels + "}}"));
    Lease garbled =
        Lease.of(
            listed(
                "{\"Id\":\"c2\",\"Created\":"
                    + CREATED
                    + ",\"Labels\":{"
                    + labels
                    + ",\"dev.gozo.lease-ttl-ms\":\"forever\"}}"));

    assertThat(withoutTtl.liveAt(Instant.ofEpochSecond(CREATED + 1))).isFalse();
    assertThat(garbled.liveAt(Instant.ofEpochSecond(CREATED + 1))).isFalse();
  }

  /** A container as the engine's list API returns it. */
  private static ContainerSummary listed(String json) throws Exception {
    return DockerEngine.summaryOf(new ObjectMapper().readValue(json, Container.class));
  }
}
