package dev.gozo.worker.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecycleShelfTest {

  private static final String POOL_KEY = "python@3";
  private static final Duration NO_WAIT = Duration.ZERO;

  private final List<SandboxContainer> retired = new CopyOnWriteArrayList<>();
  private final RecycleShelf shelf =
      new RecycleShelf(
          new RecyclePolicy(Set.of("a", "b"), 3, Duration.ofMinutes(1), Duration.ofMillis(300)),
          2,
          retired::add);

  @AfterEach
  void close() {
    shelf.close();
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
  void aTakeWaitingForAScrubGetsTheContainerWhenTheScrubEnds() throws Exception {
    SandboxContainer used = container("c1");
    CompletableFuture<Void> scrubbed = beingScrubbed("a", used);

    var executor = Executors.newSingleThreadExecutor();
    try {
      Future<SandboxContainer> taken =
          executor.submit(() -> shelf.take("a", POOL_KEY, Duration.ofSeconds(5)));
      Thread.sleep(50);
      scrubbed.complete(null);
      assertSame(used, taken.get(1, TimeUnit.SECONDS));
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aTakeStopsWaitingWhenTheScrubFails() throws Exception {
    SandboxContainer used = container("c1");
    CompletableFuture<Void> scrubbed = beingScrubbed("a", used);

    long started = System.nanoTime();
    scrubbed.completeExceptionally(new IllegalStateException("launcher exited"));
    assertNull(shelf.take("a", POOL_KEY, Duration.ofSeconds(5)));
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1));
    assertEquals(List.of(used), retired);
  }

  @Test
  void aContainerThatNeverReportsCleanIsRetiredAfterTheCleanTimeout() throws Exception {
    SandboxContainer used = container("c1");
    beingScrubbed("a", used);

    assertNull(shelf.take("a", POOL_KEY, Duration.ofSeconds(2)));
    assertEquals(List.of(used), retired);
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
  private CompletableFuture<Void> beingScrubbed(String tenant, SandboxContainer used) {
    CompletableFuture<Void> scrubbed = new CompletableFuture<>();
    shelf.putWhenScrubbed(tenant, used, scrubbed);
    return scrubbed;
  }

  private static SandboxContainer container(String id) {
    return new SandboxContainer(id, POOL_KEY, new ContainerLimits(256, 64), new StdinFeed());
  }
}
