package dev.gozo.worker.sandbox.recycling;

import dev.gozo.worker.sandbox.Outcome;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which tenants let one container serve several of their jobs (opt-in; by default every container
 * serves exactly one job). A container is only reused for the same tenant and runtime, after a job
 * that ended without touching a limit, once its launcher has killed every leftover process and
 * emptied every writable place (see launcher.sh and docs/security.md, "Recycling mode").
 *
 * @param tenants tenant ids that opted in (GOZO_RECYCLE_TENANTS, comma-separated; empty = none)
 * @param maxJobsPerContainer jobs one container serves before it is removed anyway
 * @param idleTtl how long a used container may wait for its tenant's next job
 * @param cleanTimeout how long the launcher may take to report a clean container
 */
public record RecyclePolicy(
    Set<String> tenants, int maxJobsPerContainer, Duration idleTtl, Duration cleanTimeout) {

  public RecyclePolicy {
    tenants = Set.copyOf(tenants);
  }

  public static RecyclePolicy none() {
    return new RecyclePolicy(Set.of(), 1, Duration.ZERO, Duration.ZERO);
  }

  /** GOZO_RECYCLE_TENANTS and GOZO_RECYCLE_MAX_JOBS as the worker reads them. */
  public static RecyclePolicy of(String tenantList, int maxJobsPerContainer) {
    Set<String> tenants =
        Arrays.stream(tenantList.split(","))
            .map(String::trim)
            .filter(name -> !name.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    return new RecyclePolicy(
        tenants, maxJobsPerContainer, Duration.ofSeconds(30), Duration.ofSeconds(2));
  }

  public boolean allows(String tenant) {
    return maxJobsPerContainer > 1 && tenants.contains(tenant);
  }

  /**
   * Only a job that ended on its own may leave its container for the next one: a limit hit, a
   * compile error (the launcher still waits for "run") or our own failure retires it.
   */
  public static boolean mayReuseAfter(Outcome outcome) {
    return outcome instanceof Outcome.Succeeded || outcome instanceof Outcome.RuntimeError;
  }
}
