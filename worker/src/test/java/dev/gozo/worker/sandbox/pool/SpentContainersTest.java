package dev.gozo.worker.sandbox.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpentContainersTest {

  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void shouldHandBackTheOldestOnceTooManyWait() {
    SpentContainers<String> spent = new SpentContainers<>(2, Duration.ofSeconds(60));

    assertThat(spent.add("a", 0)).isEmpty();
    assertThat(spent.add("b", 1)).isEmpty();
    assertThat(spent.add("c", 2)).containsExactly("a");
    assertThat(spent.size()).isEqualTo(2);
  }

  @Test
  void shouldHandBackThoseThatWaitedTooLong() {
    SpentContainers<String> spent = new SpentContainers<>(10, Duration.ofSeconds(60));
    spent.add("a", 0);
    spent.add("b", 30 * SECOND);

    assertThat(spent.overdue(60 * SECOND)).isEmpty();
    assertThat(spent.overdue(61 * SECOND)).containsExactly("a");
    assertThat(spent.overdue(91 * SECOND)).containsExactly("b");
    assertThat(spent.size()).isZero();
  }

  @Test
  void shouldGiveTheLongestWaitingFirst() {
    SpentContainers<String> spent = new SpentContainers<>(10, Duration.ofSeconds(60));
    spent.add("a", 0);
    spent.add("b", 1);

    assertThat(spent.next()).isEqualTo("a");
    assertThat(spent.drain()).containsExactly("b");
    assertThat(spent.next()).isNull();
  }
}
