package dev.gozo.worker.sandbox.ownership;

import dev.gozo.worker.engine.ContainerEngine;
import dev.gozo.worker.engine.ContainerSummary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The package's narrower entry points for the sandbox's ITs, which share the engine with other
 * tests and so sweep only the owners they made (the main code keeps these package-private).
 */
public final class TestOwnership {

  private TestOwnership() {}

  /** {@link Orphans#sweep(ContainerEngine, String, boolean, Duration, Predicate)}. */
  public static int sweep(
      ContainerEngine engine,
      String ownerId,
      boolean startingUp,
      Duration staleAfter,
      Predicate<String> inScope) {
    return Orphans.sweep(engine, ownerId, startingUp, staleAfter, inScope);
  }

  public static int forceRemove(ContainerEngine engine, List<ContainerSummary> containers) {
    return Orphans.forceRemove(engine, containers);
  }

  public static List<ContainerSummary> listLabelled(
      ContainerEngine engine, Map<String, String> labels) {
    return Orphans.listLabelled(engine, labels);
  }

  /** {@link OwnerLease#create}: one lease that nothing renews. */
  public static String createLease(ContainerEngine engine, String ownerId, Duration ttl) {
    return OwnerLease.create(engine, ownerId, ttl);
  }

  /** {@link PeerSweeper#every(ContainerEngine, String, Duration, Duration, Predicate)}. */
  public static PeerSweeper peerSweeper(
      ContainerEngine engine,
      String ownerId,
      Duration interval,
      Duration staleAfter,
      Predicate<String> inScope) {
    return PeerSweeper.every(engine, ownerId, interval, staleAfter, inScope);
  }
}
