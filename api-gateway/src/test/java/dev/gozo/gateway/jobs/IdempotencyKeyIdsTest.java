package dev.gozo.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdempotencyKeyIdsTest {

  @Test
  void shouldDeriveTheSameJobIdForTheSameTenantAndKeyOnAnyGateway() {
    String first = JobIds.forIdempotencyKey("acme", "order-42");
    String retried = JobIds.forIdempotencyKey("acme", "order-42");

    assertThat(retried).isEqualTo(first);
    assertThat(UUID.fromString(first).version()).isEqualTo(8);
  }

  @Test
  void shouldNeverLetOneTenantsKeyNameAnotherTenantsJob() {
    assertThat(JobIds.forIdempotencyKey("acme", "k"))
        .isNotEqualTo(JobIds.forIdempotencyKey("evil", "k"));
    assertThat(JobIds.forIdempotencyKey("acme", "k1"))
        .isNotEqualTo(JobIds.forIdempotencyKey("acme", "k2"));
  }
}
