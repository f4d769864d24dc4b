package dev.gozo.worker.sandbox.recycling;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gozo.worker.sandbox.container.ContainerLimits;
import dev.gozo.worker.sandbox.container.SandboxContainer;
import dev.gozo.worker.sandbox.container.TestContainers;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecycleShelfTest {

  private static final String POOL_KEY = "python@3";
  private static final Duration NO_WAIT = Duration.ZERO;

  // A scrub that never ends is given up after this long.
  private static final Duration CLEAN_TIMEOUT = Duration.ofMillis(300);

  private final List<SandboxContainer> retired = new CopyOnWriteArrayList<>();
  // Tests of a take that waits for a scrub use a clean timeout they cannot reach, so that only the
  // scrub's own end, never the timer, can end the wait.
  private final RecycleShelf shelf = shelf(Duration.ofHours(1));
  private final RecycleShelf impatientShelf = shelf(CLEAN_TIMEOUT);

  @AfterEach
  void close() {
    shelf.close();
    impatientShelf.close();
  }

  private RecycleShelf shelf(Duration cleanTimeout) {
    return new RecycleShelf(
        new RecyclePolicy(Set.of("a", "b"), 3, Duration.ofMinutes(1), cleanTimeout),
        2,
        retired::add);
  }

  @Test
  void aScrubbedContainerServesOnlyItsOwnTenant() {
    SandboxContainer used = container("c1");
    shelf.putWhenScrubbed("a", used, CompletableFuture.completedFuture(null));

    assertNull(shelf.take("b", POOL_KEY, NO_WAIT));
    assertNull(shelf.take("a", "javascript@1", NO_WAIT));
    assertSame(used, shelf.take("a", POOL_KEY, NO_WAIT));
    assertNull(shelf.take("a", POOL_KEY, NO_WAIT));
  }

  @Test
  void aTakeWaitingForAScrubGetsTheContainerWhenTheScrubEnds() {
    SandboxContainer used = container("c1");
    CompletableFuture<Void> scrubbed = beingScrubbed(shelf, "a", used);

    // The take is seen waiting before the scrub ends: it cannot have found the container idle.
    Take take = Take.start(shelf, "a");
    take.awaitWaiting();
    scrubbed.complete(null);

    assertSame(used, take.result());
    assertEquals(List.of(), retired);
  }

  @Test
  void aTakeStopsWaitingWhenTheScrubFails() {
    SandboxContainer used = container("c1");
    CompletableFuture<Void> scrubbed = beingScrubbed(shelf, "a", used);
    Take take = Take.start(shelf, "a");
    take.awaitWaiting();

    // The take may wait an hour: only the failed scrub can end it within Take.result's bound.
    scrubbed.completeExceptionally(new IllegalStateException("launcher exited"));

    assertNull(take.result());
    assertEquals(List.of(used), retired);
  }

  @Test
  void aContainerThatNeverReportsCleanIsRetiredAfterTheCleanTimeout() {
    SandboxContainer used = container("c1");
    long shelvedAt = System.nanoTime();
    beingScrubbed(impatientShelf, "a", used);

    // The take may wait an hour: only the clean timeout can end it within Take.result's bound.
    Take take = Take.start(impatientShelf, "a");
    assertNull(take.result());
    // A timer never fires early, so this lower bound cannot fail by chance.
    assertTrue(System.nanoTime() - shelvedAt >= CLEAN_TIMEOUT.toNanos(), "gave up before timeout");
    // The container is retired just after the take is woken, on the timer's thread.
    await("the unclean container retired").until(() -> retired.equals(List.of(used)));
  }

  @Test
  void containersBeyondTheCapacityOrTheJobLimitAreRetired() {
    SandboxContainer worn = container("worn");
    for (int i = 0; i < 3; i++) {
      worn.jobEnded();
    }
    shelf.putWhenScrubbed("a", worn, CompletableFuture.completedFuture(null));
    SandboxContainer first = container("c1");
    SandboxContainer second = container("c2");
    SandboxContainer third = container("c3");
    for (SandboxContainer used : List.of(first, second, third)) {
      shelf.putWhenScrubbed("a", used, CompletableFuture.completedFuture(null));
    }

    assertEquals(List.of(worn, third), retired);
    assertSame(second, shelf.take("a", POOL_KEY, NO_WAIT));
    assertSame(first, shelf.take("a", POOL_KEY, NO_WAIT));
  }

  @Test
  void closingRetiresEveryIdleContainer() {
    SandboxContainer used = container("c1");
    shelf.putWhenScrubbed("a", used, CompletableFuture.completedFuture(null));
    shelf.close();

    assertEquals(List.of(used), retired);
    assertNull(shelf.take("a", POOL_KEY, NO_WAIT));
  }

  /** Shelves the container once the returned scrub completes. */
  private static CompletableFuture<Void> beingScrubbed(
      RecycleShelf target, String tenant, SandboxContainer used) {
    CompletableFuture<Void> scrubbed = new CompletableFuture<>();
    target.putWhenScrubbed(tenant, used, scrubbed);
    return scrubbed;
  }

  /**
   * A take willing to wait an hour, on a thread of its own so that the test can see it wait: the
   * shelf waits only in a timed wait, so that thread state is the take waiting for a scrub.
   */
  private record Take(Thread thread, CompletableFuture<SandboxContainer> taken) {

    static Take start(RecycleShelf shelf, String tenant) {
      CompletableFuture<SandboxContainer> taken = new CompletableFuture<>();
      Thread thread =
          new Thread(
              () -> {
                try {
                  taken.complete(shelf.take(tenant, POOL_KEY, Duration.ofHours(1)));
                } catch (RuntimeException | Error e) {
                  taken.completeExceptionally(e);
                }
              },
              "recycle-shelf-test-take");
      thread.setDaemon(true);
      thread.start();
      return new Take(thread, taken);
    }

    void awaitWaiting() {
      await("the take waiting for a scrub")
          .failFast("the take returned without waiting", taken::isDone)
          .until(() -> thread.getState() == Thread.State.TIMED_WAITING);
    }

    /** What the take returned; ten seconds is far more than a wake-up takes, far less than 1 h. */
    SandboxContainer result() {
      await("the take to return").atMost(Duration.ofSeconds(10)).until(taken::isDone);
      return taken.join();
    }
  }

  private static SandboxContainer container(String id) {
    return TestContainers.unstarted(id, POOL_KEY, new ContainerLimits(256, 64));
  }
}
