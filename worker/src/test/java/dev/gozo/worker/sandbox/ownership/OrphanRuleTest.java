package dev.gozo.worker.sandbox.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which sandboxes a sweep removes: only those of the provably gone, whatever their age. */
class OrphanRuleTest {

  private static final long STALE_BEFORE = 1_800_000_000L;
  private static final Long ANCIENT = STALE_BEFORE - 86_400;
  private static final Long FRESH = STALE_BEFORE + 10;

  private static OrphanRule sweepBy(String self, boolean startingUp) {
    return new OrphanRule(
        self, startingUp, Set.of("live-peer"), Set.of("live-peer", "dead-peer"), STALE_BEFORE);
  }

  @Test
  void shouldKeepALivePeersSandboxesHoweverOld() {
    assertThat(sweepBy("me", true).isOrphan("live-peer", ANCIENT)).isFalse();
    assertThat(sweepBy("me", false).isOrphan("live-peer", ANCIENT)).isFalse();
  }

  @Test
  void shouldRemoveTheSandboxesOfAPeerWhoseLeaseRanOutHoweverYoung() {
    assertThat(sweepBy("me", true).isOrphan("dead-peer", FRESH)).isTrue();
    assertThat(sweepBy("me", false).isOrphan("dead-peer", FRESH)).isTrue();
  }

  @Test
  void shouldRemoveItsOwnOnlyAtStartWhenTheyAreItsPreviousLifes() {
    assertThat(sweepBy("me", true).isOrphan("me", FRESH)).isTrue();
    assertThat(sweepBy("me", false).isOrphan("me", ANCIENT)).isFalse();
    assertThat(sweepBy("dead-peer", false).isOrphan("dead-peer", ANCIENT))
        .as("a running worker whose own lease lapsed is still alive")
        .isFalse();
  }

  @Test
  void shouldJudgeByAgeTheSandboxesOfOwnersWithoutAnyLease() {
    for (String owner : new String[] {null, "worker-from-before-leases"}) {
      assertThat(sweepBy("me", false).isOrphan(owner, ANCIENT)).as(owner).isTrue();
      assertThat(sweepBy("me", false).isOrphan(owner, STALE_BEFORE)).as(owner).isFalse();
      assertThat(sweepBy("me", false).isOrphan(owner, FRESH)).as(owner).isFalse();
      assertThat(sweepBy("me", false).isOrphan(owner, null)).as(owner).isFalse();
    }
  }
}
