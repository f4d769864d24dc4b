package dev.gozo.worker;

import dev.gozo.jobspec.JobBounds;
import dev.gozo.jobspec.JobValidator;
import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.worker.intake.JobProcessor;
import dev.gozo.worker.intake.ShareGroupIntake;
import dev.gozo.worker.intake.ShareGroupSetup;
import dev.gozo.worker.results.ResultLookup;
import dev.gozo.worker.results.ResultPublisher;
import dev.gozo.worker.sandbox.DockerClients;
import dev.gozo.worker.sandbox.DockerSandbox;
import dev.gozo.worker.sandbox.Orphans;
import dev.gozo.worker.sandbox.OwnerLease;
import dev.gozo.worker.sandbox.PeerSweeper;
import dev.gozo.worker.sandbox.SandboxSettings;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point: wires the worker together and runs it until SIGTERM. */
public final class WorkerMain {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    WorkerConfig config = WorkerConfig.fromEnvironment(System.getenv());
    Worker worker = Worker.start(config);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.stop();
                  // A JVM ended by SIGTERM exits 143 even after a clean shutdown; we finished
                  // everything we hold, so say so to the supervisor.
                  Runtime.getRuntime().halt(0);
                },
                "worker-shutdown"));
    worker.awaitStopped();
  }

  /** A running worker; {@link #stop()} is safe to call twice. */
  public static final class Worker {
    private final WorkerConfig config;
    private final DockerSandbox sandbox;
    private final OwnerLease lease;
    private final PeerSweeper peerSweeper;
    private final ResultPublisher publisher;
    private final ResultLookup lookup;
    private final ShareGroupIntake intake;
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    private boolean stopped;

    private Worker(
        WorkerConfig config,
        DockerSandbox sandbox,
        OwnerLease lease,
        PeerSweeper peerSweeper,
        ResultPublisher publisher,
        ResultLookup lookup,
        ShareGroupIntake intake) {
      this.config = config;
      this.sandbox = sandbox;
      this.lease = lease;
      this.peerSweeper = peerSweeper;
      this.publisher = publisher;
      this.lookup = lookup;
      this.intake = intake;
    }

    public static Worker start(WorkerConfig config) {
      RuntimeCatalogue catalogue = RuntimeCatalogue.load(config.catalogue());
      var api = DockerClients.api(config.dockerHost(), 4 * config.concurrency() + 8, Duration.ofSeconds(30));
      var reserves = config.warmReserves(catalogue.runtimes());
      // One attach stream per warm, running or spent sandbox: room for every reserve on top of
      // what the rest of the pool may hold (spent containers, demand, recycled ones).
      int reserved = reserves.values().stream().mapToInt(Integer::intValue).sum();
      var streams = DockerClients.streams(config.dockerHost(), 1024 + reserved);
      // The lease first: from now on peers sweeping the engine leave our sandboxes alone.
      OwnerLease lease = OwnerLease.hold(api, config.workerId(), config.ownerLeaseTtl());
      try {
        Orphans.sweep(api, config.workerId(), config.orphanStaleAfter());
      } catch (RuntimeException e) {
        LOG.warn("could not look for orphaned sandboxes (Docker unreachable?)", e);
      }
      PeerSweeper peerSweeper =
          PeerSweeper.every(api, config.workerId(), config.ownerLeaseTtl(), config.orphanStaleAfter());
      SandboxSettings settings =
          SandboxSettings.of(
              config.workerId(),
              config.sandboxCpus(),
              config.containerRuntime(),
              java.nio.file.Path.of(config.cgroupRoot()),
              config.warmPerRuntime(),
              config.concurrency());
      Duration lock = config.lockDuration();
      Duration longestJob = longestJob(catalogue);
      if (lock.compareTo(longestJob) <= 0) {
        LOG.warn(
            "GOZO_LOCK_DURATION_MS ({} ms) is shorter than the longest possible job ({} ms): such"
                + " jobs may run twice",
            lock.toMillis(), longestJob.toMillis());
      }
      ShareGroupSetup.ensure(config.kafkaBootstrap(), config.shareGroup(), lock);
      DockerSandbox sandbox = new DockerSandbox(api, streams, settings, config.recyclePolicy());
      if (!config.recyclePolicy().tenants().isEmpty()) {
        LOG.info(
            "recycling mode for tenants {} (at most {} jobs per container)",
            config.recyclePolicy().tenants(), config.recycleMaxJobs());
      }
      sandbox.warmUp(reserves);
      ResultPublisher publisher =
          new ResultPublisher(
              config.kafkaBootstrap(), config.resultsTopic(), config.eventsTopic(), Duration.ofSeconds(30));
      // A job delivered again may have a result already (its worker died before acknowledging).
      ResultLookup lookup =
          new ResultLookup(config.kafkaBootstrap(), config.resultsTopic(), Duration.ofSeconds(5));
      JobProcessor processor =
          new JobProcessor(
              catalogue,
              new JobValidator(catalogue, JobBounds.defaults()),
              sandbox,
              publisher,
              lookup,
              config.workerId(),
              config.maxAttempts());
      ShareGroupIntake intake =
          new ShareGroupIntake(
              config.kafkaBootstrap(),
              config.shareGroup(),
              config.jobsTopic(),
              config.concurrency(),
              processor,
              sandbox::available);
      intake.start();
      LOG.info(
          "worker {} started: {} slots, group {}, topic {}",
          config.workerId(), config.concurrency(), config.shareGroup(), config.jobsTopic());
      return new Worker(config, sandbox, lease, peerSweeper, publisher, lookup, intake);
    }

    /** Compile and run at their maximum wall limits, plus container set-up. */
    static Duration longestJob(RuntimeCatalogue catalogue) {
      return Duration.ofMillis(
          catalogue.maxCompileLimits().getWallTimeMs()
              + catalogue.maxLimits().getWallTimeMs()
              + 15_000);
    }

    /**
     * Graceful stop: take no more jobs, let running ones finish within the grace period, then
     * kill what still runs (those records are released for another worker), remove every
     * container, and close Kafka clients. Logs which of the two endings it was.
     */
    public synchronized void stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      LOG.info("worker {} stopping: no new jobs, {} ms for running ones", config.workerId(), config.shutdownGrace().toMillis());
      intake.stopTaking();
      if (intake.awaitStopped(config.shutdownGrace())) {
        LOG.info("all running jobs finished");
      } else {
        LOG.warn("grace period over: killing running jobs and handing them back");
        sandbox.abortRunning();
        intake.awaitStopped(Duration.ofSeconds(15));
      }
      sandbox.close();
      // After the last sandbox is gone: until then, they are ours and peers must keep off.
      peerSweeper.close();
      lease.close();
      publisher.close();
      lookup.close();
      LOG.info("worker {} stopped", config.workerId());
      done.countDown();
    }

    public void awaitStopped() throws InterruptedException {
      done.await();
    }
  }
}
