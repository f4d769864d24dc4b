package dev.gozo.worker.sandbox.ownership;

import dev.gozo.worker.engine.ContainerEngine;
import dev.gozo.worker.engine.ContainerSummary;
import dev.gozo.worker.sandbox.container.ContainerFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes sandboxes nobody alive owns (see {@link OrphanRule}): those a previous life of this
 * worker left behind (it was killed mid-job), and those of any worker whose {@link OwnerLease} ran
 * out, which only a dead worker's does. A sandbox with no lease to judge it by is an orphan once it
 * is older than any job can run. Leases that ran out go too. All times are the engine's (see {@link
 * ContainerEngine#time()}).
 */
public final class Orphans {

  private static final Logger LOG = LoggerFactory.getLogger(Orphans.class);

  /** Every owner on the engine; tests narrow this to the owners they made. */
  static final Predicate<String> ANY_OWNER = owner -> true;

  private Orphans() {}

  /**
   * The sweep at start-up, once OWNER holds its lease: removes OWNER's own sandboxes (its previous
   * life's) and the dead's. Returns how many sandboxes were removed.
   */
  public static int sweep(ContainerEngine engine, String ownerId, Duration staleAfter) {
    return sweep(engine, ownerId, true, staleAfter, ANY_OWNER);
  }

  /**
   * Removes the orphaned sandboxes (and the leases that ran out) of the owners IN_SCOPE (tested
   * with the owner label's value, null for none). OWNER's own sandboxes are orphans when
   * STARTING_UP (its previous life's); otherwise OWNER is the live worker asking ({@link
   * PeerSweeper}), and its own are never touched, even when its lease lapsed because renewals
   * failed against a busy engine.
   */
  static int sweep(
      ContainerEngine engine,
      String ownerId,
      boolean startingUp,
      Duration staleAfter,
      Predicate<String> inScope) {
    // Sandboxes first, leases second: a worker's lease exists before its first sandbox and is
    // renewed without a gap, so the owner of any sandbox listed here, if alive, has a lease in
    // the list that follows.
    List<ContainerSummary> sandboxes =
        inScope(listLabelled(engine, ContainerFactory.ROLE_LABEL, "sandbox"), inScope);
    List<Lease> leases =
        inScope(listLabelled(engine, ContainerFactory.ROLE_LABEL, OwnerLease.ROLE), inScope)
            .stream()
            .map(Lease::of)
            .toList();
    Instant now = engine.time();
    OrphanRule rule =
        new OrphanRule(
            ownerId,
            startingUp,
            owners(leases.stream().filter(lease -> lease.liveAt(now)).toList()),
            owners(leases),
            now.minus(staleAfter).getEpochSecond());
    List<ContainerSummary> orphans =
        sandboxes.stream()
            .filter(sandbox -> rule.isOrphan(ownerOf(sandbox), sandbox.createdEpochSecond()))
            .toList();
    int removed = forceRemove(engine, orphans);
    if (removed > 0) {
      LOG.info(
          "removed {} orphaned sandbox containers (owners {})",
          removed,
          orphans.stream().map(Orphans::ownerOf).distinct().toList());
    }
    List<String> expired =
        leases.stream().filter(lease -> !lease.liveAt(now)).map(Lease::containerId).toList();
    for (String id : expired) {
      forceRemove(engine, id);
    }
    return removed;
  }

  /**
   * Removes every sandbox OWNER still has and waits, up to TIMEOUT, until the engine lists none. A
   * container whose removal began elsewhere (its job's own clean-up) is listed as "removing" for a
   * moment; a worker that reports a clean stop must not exit before those are gone too. Returns
   * whether none is left. OWNER's lease stays: it goes last, when the worker closes it.
   */
  public static boolean removeAllOwnedBy(ContainerEngine engine, String ownerId, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Map<String, String> sandboxesOfOwner =
        Map.of(ContainerFactory.OWNER_LABEL, ownerId, ContainerFactory.ROLE_LABEL, "sandbox");
    while (true) {
      List<ContainerSummary> left = listLabelled(engine, sandboxesOfOwner);
      if (left.isEmpty()) {
        return true;
      }
      if (Instant.now().isAfter(deadline)) {
        LOG.warn(
            "{} sandbox containers still listed after stop: {}",
            left.size(),
            left.stream().map(ContainerSummary::id).toList());
        return false;
      }
      forceRemove(engine, left.stream().filter(container -> !container.removing()).toList());
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private static Set<String> owners(List<Lease> leases) {
    return leases.stream()
        .map(Lease::owner)
        .filter(owner -> owner != null)
        .collect(Collectors.toSet());
  }

  private static String ownerOf(ContainerSummary container) {
    return container.labels().get(ContainerFactory.OWNER_LABEL);
  }

  private static List<ContainerSummary> inScope(
      List<ContainerSummary> containers, Predicate<String> inScope) {
    return containers.stream().filter(container -> inScope.test(ownerOf(container))).toList();
  }

  private static List<ContainerSummary> listLabelled(
      ContainerEngine engine, String label, String value) {
    return listLabelled(engine, Map.of(label, value));
  }

  /** Containers in any state carrying all LABELS. */
  static List<ContainerSummary> listLabelled(ContainerEngine engine, Map<String, String> labels) {
    return engine.list(labels);
  }

  /** Force-removes the containers; returns how many this call removed. */
  static int forceRemove(ContainerEngine engine, List<ContainerSummary> containers) {
    int removed = 0;
    for (ContainerSummary container : containers) {
      if (forceRemove(engine, container.id())) {
        removed++;
      }
    }
    return removed;
  }

  private static boolean forceRemove(ContainerEngine engine, String id) {
    return engine.remove(id); // false: gone already, or its removal is under way elsewhere
  }
}
