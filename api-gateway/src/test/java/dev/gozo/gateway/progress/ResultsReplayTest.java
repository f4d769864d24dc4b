package dev.gozo.gateway.progress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.gateway.jobs.JobStateStore;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ResultsReplayTest {

  private static final TopicPartition P0 = new TopicPartition("gozo.results", 0);
  private static final TopicPartition P1 = new TopicPartition("gozo.results", 1);

  private final JobStateStore store = new JobStateStore(1000, Long.MAX_VALUE, 100);
  private final ResultsReplay replay = new ResultsReplay(store);
  private final Map<TopicPartition, Long> positions = new HashMap<>();

  @Test
  void shouldNotBeReplayedWhileAPartitionIsBehind() {
    // given
    replay.expect(Map.of(P0, 10L, P1, 5L));

    // when one partition is read to its end and the other is not
    positions.put(P0, 10L);
    positions.put(P1, 4L);
    replay.check(positions::get);

    // then
    assertThat(store.isReplayed()).isFalse();
  }

  @Test
  void shouldBeReplayedOnceEveryPartitionReachedItsEnd() {
    // given
    replay.expect(Map.of(P0, 10L, P1, 5L));
    positions.put(P0, 10L);
    positions.put(P1, 4L);
    replay.check(positions::get);

    // when
    positions.put(P1, 5L);
    replay.check(positions::get);

    // then
    assertThat(store.isReplayed()).isTrue();
  }

  @Test
  void shouldNotAskAgainForAPartitionAlreadyReached() {
    // given
    replay.expect(Map.of(P0, 10L, P1, 5L));
    positions.put(P0, 10L);
    positions.put(P1, 0L);
    replay.check(positions::get);

    // when P0 would now report less (it never does; this shows it is no longer asked)
    positions.put(P0, 0L);
    positions.put(P1, 5L);
    replay.check(positions::get);

    // then
    assertThat(store.isReplayed()).isTrue();
  }

  @Test
  void shouldBeReplayedAtOnceWhenTheResultsTopicIsEmpty() {
    // given
    replay.expect(Map.of(P0, 0L));

    // when
    positions.put(P0, 0L);
    replay.check(positions::get);

    // then
    assertThat(store.isReplayed()).isTrue();
  }

  @Test
  void shouldAskForNoPositionOnceReplayed() {
    // given
    replay.expect(Map.of(P0, 3L));
    positions.put(P0, 3L);
    replay.check(positions::get);

    // when a later check would fail if it asked the consumer
    replay.check(
        tp -> {
          throw new AssertionError("asked for " + tp + " after the replay completed");
        });

    // then
    assertThat(store.isReplayed()).isTrue();
  }
}
