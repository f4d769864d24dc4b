package dev.gozo.gateway.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.gateway.jobs.JobIds;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KafkaResultArchiveTest {

  private static final long NOW = System.currentTimeMillis();

  @Test
  void shouldReadFromAMinuteBeforeAGatewayIdWasMade() {
    String id = JobIds.next();
    long created = JobIds.createdAtMs(id).orElseThrow();

    assertThat(created).isBetween(NOW - 5_000, NOW + 5_000);
    assertThat(KafkaResultArchive.scanStart(id, NOW)).hasValue(created - 60_000);
  }

  @Test
  void shouldReadAWholePartitionForAnIdempotencyKeyId() {
    assertThat(KafkaResultArchive.scanStart(JobIds.forIdempotencyKey("acme", "k-1"), NOW))
        .hasValue(0);
  }

  @Test
  void shouldNotLookUpIdsNoJobOfOursCanHave() {
    assertThat(KafkaResultArchive.scanStart(UUID.randomUUID().toString(), NOW)).isEmpty();
    assertThat(KafkaResultArchive.scanStart("not-a-uuid", NOW)).isEmpty();
    assertThat(KafkaResultArchive.scanStart("", NOW)).isEmpty();
    assertThat(KafkaResultArchive.scanStart(JobIds.next().toUpperCase(), NOW)).isEmpty();
    // made an hour after "now": from the future
    assertThat(KafkaResultArchive.scanStart(JobIds.next(), NOW - 3_600_000))
        .isEqualTo(OptionalLong.empty());
  }
}
