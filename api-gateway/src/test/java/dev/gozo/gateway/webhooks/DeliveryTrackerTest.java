package dev.gozo.gateway.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeliveryTrackerTest {

  private static final TopicPartition P0 = new TopicPartition("gozo.results", 0);
  private static final TopicPartition P1 = new TopicPartition("gozo.results", 1);

  @Test
  void shouldCommitPastResultsWithoutWebhooksAtOnce() {
    DeliveryTracker tracker = new DeliveryTracker();

    tracker.seen(P0, 0, false);
    tracker.seen(P0, 1, false);

    assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, 2L));
  }

  @Test
  void shouldHoldTheOffsetAtTheOldestPendingDelivery() {
    // given deliveries pending at 5 and 7 of partition 0, and nothing pending in partition 1
    DeliveryTracker tracker = new DeliveryTracker();
    tracker.seen(P0, 4, false);
    tracker.seen(P0, 5, true);
    tracker.seen(P0, 6, false);
    tracker.seen(P0, 7, true);
    tracker.seen(P1, 3, false);

    // then partition 0 commits up to 5 only
    assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, 5L, P1, 4L));
    assertThat(tracker.pending()).isEqualTo(2);
    tracker.committed(tracker.toCommit());
    assertThat(tracker.toCommit()).isEmpty();

    // when the later one finishes first, nothing moves
    tracker.finished(P0, 7);
    assertThat(tracker.toCommit()).isEmpty();

    // when the oldest finishes, the offset moves past both
    tracker.finished(P0, 5);
    assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, 8L));
    assertThat(tracker.pending()).isZero();
  }

  @Test
  void shouldForgetRevokedPartitions() {
    DeliveryTracker tracker = new DeliveryTracker();
    tracker.seen(P0, 0, true);
    tracker.seen(P1, 0, true);

    tracker.forget(List.of(P0));

    assertThat(tracker.pending()).isEqualTo(1);
    assertThat(tracker.toCommit()).isEqualTo(Map.of(P1, 0L));
    tracker.finished(P0, 0); // a late finish of a revoked partition changes nothing
    assertThat(tracker.toCommit()).isEqualTo(Map.of(P1, 0L));
  }

  @Test
  void shouldBackOffExponentiallyUpToTheCap() {
    assertThat(WebhookDispatcher.backoffMs(1, 1000)).isBetween(1000L, 1250L);
    assertThat(WebhookDispatcher.backoffMs(2, 1000)).isBetween(2000L, 2500L);
    assertThat(WebhookDispatcher.backoffMs(4, 1000)).isBetween(8000L, 10_000L);
    assertThat(WebhookDispatcher.backoffMs(40, 1000))
        .isBetween(WebhookDispatcher.MAX_BACKOFF_MS, WebhookDispatcher.MAX_BACKOFF_MS * 5 / 4);
  }
}
