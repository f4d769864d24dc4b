package dev.gozo.worker.sandbox.ownership;

import dev.gozo.worker.engine.ContainerEngine;
import dev.gozo.worker.sandbox.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sweeps the engine for the sandboxes of dead workers (owners without a live {@link OwnerLease})
 * while this worker runs, so that a peer killed without a clean stop does not leave its reserve
 * behind until some worker happens to start. This worker's own sandboxes are never swept here.
 */
public final class PeerSweeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PeerSweeper.class);

  private final ScheduledExecutorService sweeps =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("peer-sweeper"));

  private PeerSweeper() {}

  /** Sweeps every INTERVAL, the first time one INTERVAL from now, on behalf of live OWNER. */
  public static PeerSweeper every(
      ContainerEngine engine, String ownerId, Duration interval, Duration staleAfter) {
    return every(engine, ownerId, interval, staleAfter, Orphans.ANY_OWNER);
  }

  /**
   * As {@link #every(ContainerEngine, String, Duration, Duration)}, for the owners IN_SCOPE only.
   */
  static PeerSweeper every(
      ContainerEngine engine,
      String ownerId,
      Duration interval,
      Duration staleAfter,
      Predicate<String> inScope) {
    PeerSweeper sweeper = new PeerSweeper();
    long period = interval.toMillis();
    sweeper.sweeps.scheduleWithFixedDelay(
        () -> {
          try {
            Orphans.sweep(engine, ownerId, false, staleAfter, inScope);
          } catch (RuntimeException e) {
            LOG.warn("sweep for dead workers' sandboxes failed; next one in {} ms", period, e);
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
    return sweeper;
  }

  @Override
  public void close() {
    sweeps.shutdownNow();
  }
}
