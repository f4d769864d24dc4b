package dev.gozo.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BodyBudgetTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void shouldAdmitLargeBodiesUntilTheBudgetIsFullAndAgainOnceOneIsReleased() {
    BodyBudget budget = new BodyBudget(10 * MIB);

    assertThat(budget.tryReserve(4 * MIB)).isTrue();
    assertThat(budget.tryReserve(4 * MIB)).isTrue();
    assertThat(budget.tryReserve(4 * MIB)).isFalse();
    assertThat(budget.held()).isEqualTo(8 * MIB);

    budget.release(4 * MIB);
    assertThat(budget.tryReserve(4 * MIB)).isTrue();
    assertThat(budget.held()).isEqualTo(8 * MIB);
  }

  @Test
  void shouldAlwaysAdmitSmallBodiesEvenWhenLargeOnesFillTheBudget() {
    BodyBudget budget = new BodyBudget(BodyBudget.ALWAYS_ADMITTED_BYTES * 2);
    assertThat(budget.tryReserve(BodyBudget.ALWAYS_ADMITTED_BYTES * 2)).isTrue();

    assertThat(budget.tryReserve(BodyBudget.ALWAYS_ADMITTED_BYTES)).isTrue();
    assertThat(budget.tryReserve(100)).isTrue();
    assertThat(budget.tryReserve(BodyBudget.ALWAYS_ADMITTED_BYTES + 1)).isFalse();
    assertThat(budget.held()).isEqualTo(BodyBudget.ALWAYS_ADMITTED_BYTES * 3 + 100);
  }

  @Test
  void shouldCountForcedReservationsAgainstLaterOnes() {
    BodyBudget budget = new BodyBudget(2 * MIB);
    budget.reserve(3 * MIB);

    assertThat(budget.tryReserve(MIB)).isFalse();
    budget.release(3 * MIB);
    assertThat(budget.tryReserve(MIB)).isTrue();
  }

  @Test
  void shouldRefuseABudgetThatWouldTurnAwaySmallRequests() {
    assertThatThrownBy(() -> new BodyBudget(1000)).isInstanceOf(IllegalArgumentException.class);
  }
}
