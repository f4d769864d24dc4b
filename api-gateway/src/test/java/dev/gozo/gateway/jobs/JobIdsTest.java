package dev.gozo.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobIdsTest {

  @Test
  void shouldGenerateVersion7Uuids() {
    UUID id = UUID.fromString(JobIds.next());

    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
  }

  @Test
  void shouldCarryTheMillisecondTimestampInTheFirst48Bits() {
    long millis = 1_795_673_123_742L;

    UUID id = UUID.fromString(JobIds.at(millis));

    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
  }

  @Test
  void shouldSortByTimeAcrossMilliseconds() {
    String earlier = JobIds.at(1_000_000);
    String later = JobIds.at(1_000_001);

    assertThat(earlier).isLessThan(later);
  }

  @Test
  void shouldNotRepeatWithinOneMillisecond() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(JobIds.at(42));
    }

    assertThat(ids).hasSize(10_000);
  }
}
