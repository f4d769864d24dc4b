package dev.gozo.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventIdTest {

  @Test
  void shouldOrderQueuedThenAttemptsBySeqThenTheResult() {
    // given ids in a shuffled order
    List<EventId> ids =
        new ArrayList<>(
            List.of(
                EventId.RESULT,
                new EventId(2, 1),
                new EventId(1, 10),
                EventId.started(2),
                new EventId(1, 2),
                EventId.QUEUED,
                EventId.started(1)));
    Collections.shuffle(ids, new java.util.Random(7));

    // when
    Collections.sort(ids);

    // then (numerically: 1-10 after 1-2, not before it as text would sort)
    assertThat(ids.stream().map(EventId::toString))
        .containsExactly("0-0", "1-0", "1-2", "1-10", "2-0", "2-1", "result");
  }

  @Test
  void shouldReadBackEveryIdItWritesAndNothingElse() {
    for (EventId id : List.of(EventId.QUEUED, new EventId(3, 41), EventId.RESULT)) {
      assertThat(EventId.parse(id.toString())).contains(id);
    }
    assertThat(EventId.parse(" 1-2 ")).contains(new EventId(1, 2));
    for (String bad :
        new String[] {"", "1", "1-", "-1-2", "a-b", "1-2-3", "RESULT", "9999999999-1"}) {
      assertThat(EventId.parse(bad)).as(bad).isEmpty();
    }
    assertThat(EventId.parse(null)).isEmpty();
  }
}
