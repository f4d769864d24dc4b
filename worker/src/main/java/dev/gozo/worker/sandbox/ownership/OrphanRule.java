package dev.gozo.worker.sandbox.ownership;

import java.util.Set;

/**
 * Which sandboxes a sweep removes, decided from what the engine listed: a sandbox belongs to a live
 * worker until that worker is provably gone, and only then is it anyone's to remove.
 *
 * @param self the worker sweeping
 * @param startingUp whether SELF is starting: then its own sandboxes are its previous life's
 * @param liveOwners owners with a lease that still holds by the engine's clock
 * @param leasedOwners owners with any lease listed, live or run out
 * @param staleBeforeEpochSecond engine time (seconds) before which a sandbox judged by age is stale
 */
record OrphanRule(
    String self,
    boolean startingUp,
    Set<String> liveOwners,
    Set<String> leasedOwners,
    long staleBeforeEpochSecond) {

  /** Whether the sandbox of OWNER (null for none), created at CREATED (engine seconds), goes. */
  boolean isOrphan(String owner, Long created) {
    if (self.equals(owner)) {
      // While SELF runs its own are live whatever its lease says (a renewal may have failed
      // against a busy engine); at its start they are what its previous life left.
      return startingUp;
    }
    if (owner != null && liveOwners.contains(owner)) {
      return false;
    }
    if (owner != null && leasedOwners.contains(owner)) {
      return true; // its lease ran out: proof that nothing renews it any more
    }
    // No lease to judge by: no owner label, a worker from before leases, or one that could not
    // create its lease. The age rule, as before there were leases: older than any job runs.
    return created != null && created < staleBeforeEpochSecond;
  }
}
