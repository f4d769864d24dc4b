package dev.gozo.worker.sandbox.ownership;

import dev.gozo.worker.engine.ContainerEngine;
import dev.gozo.worker.engine.ContainerSpec;
import dev.gozo.worker.engine.ContainerSummary;
import dev.gozo.worker.sandbox.DaemonThreads;
import dev.gozo.worker.sandbox.container.ContainerFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's proof, kept in the engine itself, that it is alive: a container created but never
 * started (no process, nothing but a record in the engine), labelled with the owner and a TTL.
 * Peers sweeping the engine (see {@link Orphans}) leave an owner's sandboxes alone while it has a
 * lease younger than its TTL by the engine's clock, so workers on different hosts agree without
 * trusting each other's clocks.
 *
 * <p>Held from before the first sandbox until after the last one is gone. It is renewed every third
 * of its TTL by creating a new lease and only then removing the previous one, so there is never a
 * moment without one. A worker killed without a clean stop stops renewing: its lease runs out one
 * TTL later, and from then on its sandboxes are anyone's to remove.
 */
public final class OwnerLease implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OwnerLease.class);

  static final String ROLE = "lease";
  static final String TTL_LABEL = "dev.gozo.lease-ttl-ms";

  /** Every runtime image is built on it, so any engine that can run our sandboxes has it. */
  static final String IMAGE = "gozo/sandbox-base:1";

  private final ContainerEngine engine;
  private final String ownerId;
  private final Duration ttl;
  private final Duration renewEvery;
  private final ScheduledExecutorService renewals =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("owner-lease"));
  private boolean closed;

  private OwnerLease(ContainerEngine engine, String ownerId, Duration ttl) {
    this.engine = engine;
    this.ownerId = ownerId;
    this.ttl = ttl;
    this.renewEvery = Duration.ofMillis(Math.max(1, ttl.toMillis() / 3));
  }

  /**
   * Takes OWNER's lease now (before returning, so call it before creating any sandbox) and keeps
   * renewing it until {@link #close()}. A lease a previous life of OWNER left is replaced. When the
   * engine cannot be reached the failure is logged and the lease is taken on a later tick.
   */
  public static OwnerLease hold(ContainerEngine engine, String ownerId, Duration ttl) {
    OwnerLease lease = new OwnerLease(engine, ownerId, ttl);
    lease.renew();
    long period = lease.renewEvery.toMillis();
    lease.renewals.scheduleWithFixedDelay(lease::renew, period, period, TimeUnit.MILLISECONDS);
    return lease;
  }

  /** Stops renewing and removes the lease: a clean stop, after this owner's last sandbox. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      try {
        Orphans.forceRemove(engine, leasesOf(engine, ownerId));
      } catch (RuntimeException e) {
        LOG.warn(
            "owner lease of {}: could not remove it on stop; it runs out within {} ms",
            ownerId,
            ttl.toMillis(),
            e);
      }
    }
    renewals.shutdownNow();
  }

  private synchronized void renew() {
    if (closed) {
      return;
    }
    try {
      String fresh = create(engine, ownerId, ttl);
      // Only now that the new lease exists do the older ones go (the one it replaces, one whose
      // removal failed, one a previous life of this owner left): never a moment without a lease.
      Orphans.forceRemove(
          engine,
          leasesOf(engine, ownerId).stream().filter(lease -> !lease.id().equals(fresh)).toList());
    } catch (RuntimeException e) {
      LOG.warn(
          "owner lease of {}: renewal failed, retrying in {} ms (peers may remove this worker's"
              + " sandboxes once its last lease is {} ms old)",
          ownerId,
          renewEvery.toMillis(),
          ttl.toMillis(),
          e);
    }
  }

  /**
   * Creates one lease container of OWNER and returns its id. Nothing renews it: a test uses it
   * alone for a worker that died right after a renewal.
   */
  static String create(ContainerEngine engine, String ownerId, Duration ttl) {
    return engine.create(
        new ContainerSpec(
            IMAGE,
            List.of("true"), // never started; if someone does start it, it does nothing
            null,
            null,
            List.of(),
            Map.of(
                ContainerFactory.OWNER_LABEL,
                ownerId,
                ContainerFactory.ROLE_LABEL,
                ROLE,
                TTL_LABEL,
                Long.toString(ttl.toMillis())),
            false,
            null));
  }

  private static List<ContainerSummary> leasesOf(ContainerEngine engine, String ownerId) {
    return Orphans.listLabelled(
        engine, Map.of(ContainerFactory.OWNER_LABEL, ownerId, ContainerFactory.ROLE_LABEL, ROLE));
  }
}
