package dev.gozo.worker;

import dev.gozo.jobspec.JobBounds;
import dev.gozo.jobspec.JobValidator;
import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.worker.engine.ContainerEngine;
import dev.gozo.worker.engine.DockerClients;
import dev.gozo.worker.engine.DockerEngine;
import dev.gozo.worker.health.HealthServer;
import dev.gozo.worker.health.WorkerHealth;
import dev.gozo.worker.intake.JobProcessor;
import dev.gozo.worker.intake.JobTopicScan;
import dev.gozo.worker.intake.ShareGroupIntake;
import dev.gozo.worker.intake.ShareGroupSetup;
import dev.gozo.worker.live.KafkaLiveJobs;
import dev.gozo.worker.metrics.MeteredResultSink;
import dev.gozo.worker.metrics.WorkerMetrics;
import dev.gozo.worker.results.ResultLookup;
import dev.gozo.worker.results.ResultPublisher;
import dev.gozo.worker.sandbox.DockerSandbox;
import dev.gozo.worker.sandbox.SandboxSettings;
import dev.gozo.worker.sandbox.ownership.Orphans;
import dev.gozo.worker.sandbox.ownership.OwnerLease;
import dev.gozo.worker.sandbox.ownership.PeerSweeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point: wires the worker together and runs it until SIGTERM. */
public final class WorkerMain {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

  /**
   * Deadlines of the tries to find an earlier result of a redelivered job: a long results partition
   * may need more than the first. Their sum (35 s) stays well inside the share group's lock (90 s
   * by default), which the lookup spends.
   */
  private static final List<Duration> LOOKUP_DEADLINES =
      List.of(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20));

  /** Deadline of the look for an earlier record of a job id with an Idempotency-Key. */
  private static final Duration JOB_SCAN_DEADLINE = Duration.ofSeconds(10);

  /** How long /health waits for the engine's answer to a ping. */
  private static final Duration ENGINE_PING_TIMEOUT = Duration.ofSeconds(2);

  /** How often a worker whose share group is not configured tries again. */
  private static final Duration SHARE_GROUP_RETRY = Duration.ofSeconds(5);

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
    private final KafkaLiveJobs live;
    private final ResultLookup lookup;
    private final JobTopicScan earlierRecords;
    private final ShareGroupIntake intake;
    private final WorkerHealth health;
    private final HealthServer healthServer;
    private final java.util.concurrent.CountDownLatch done =
        new java.util.concurrent.CountDownLatch(1);
    private boolean stopped;

    private Worker(
        WorkerConfig config,
        DockerSandbox sandbox,
        OwnerLease lease,
        PeerSweeper peerSweeper,
        ResultPublisher publisher,
        KafkaLiveJobs live,
        ResultLookup lookup,
        JobTopicScan earlierRecords,
        ShareGroupIntake intake,
        WorkerHealth health,
        HealthServer healthServer) {
      this.config = config;
      this.sandbox = sandbox;
      this.lease = lease;
      this.peerSweeper = peerSweeper;
      this.publisher = publisher;
      this.live = live;
      this.lookup = lookup;
      this.earlierRecords = earlierRecords;
      this.intake = intake;
      this.health = health;
      this.healthServer = healthServer;
    }

    public static Worker start(WorkerConfig config) {
      RuntimeCatalogue catalogue = RuntimeCatalogue.load(config.catalogue());
      var api =
          DockerClients.api(
              config.dockerHost(), 4 * config.concurrency() + 8, Duration.ofSeconds(30));
      var reserves = config.warmReserves(catalogue.runtimes());
      // One attach stream per warm, running or spent sandbox: room for every reserve on top of
      // what the rest of the pool may hold (spent containers, demand, recycled ones).
      int reserved = reserves.values().stream().mapToInt(Integer::intValue).sum();
      var streams = DockerClients.streams(config.dockerHost(), 1024 + reserved);
      ContainerEngine engine = new DockerEngine(api, streams);
      // The lease first: from now on peers sweeping the engine leave our sandboxes alone.
      OwnerLease lease = OwnerLease.hold(engine, config.workerId(), config.ownerLeaseTtl());
      try {
        Orphans.sweep(engine, config.workerId(), config.orphanStaleAfter());
      } catch (RuntimeException e) {
        LOG.warn("could not look for orphaned sandboxes (Docker unreachable?)", e);
      }
      PeerSweeper peerSweeper =
          PeerSweeper.every(
              engine, config.workerId(), config.ownerLeaseTtl(), config.orphanStaleAfter());
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
            lock.toMillis(),
            longestJob.toMillis());
      }
      DockerSandbox sandbox = new DockerSandbox(engine, settings, config.recyclePolicy());
      WorkerMetrics metrics = new WorkerMetrics(config.workerId());
      sandbox.reportContainerStartsTo(metrics::containerStarted);
      if (!config.recyclePolicy().tenants().isEmpty()) {
        LOG.info(
            "recycling mode for tenants {} (at most {} jobs per container)",
            config.recyclePolicy().tenants(),
            config.recycleMaxJobs());
      }
      sandbox.warmUp(reserves);
      ResultPublisher publisher =
          new ResultPublisher(
              config.kafkaBootstrap(),
              config.resultsTopic(),
              config.eventsTopic(),
              Duration.ofSeconds(30));
      // A job delivered again may have a result already (its worker died before acknowledging).
      ResultLookup lookup =
          new ResultLookup(config.kafkaBootstrap(), config.resultsTopic(), LOOKUP_DEADLINES);
      // A job with an Idempotency-Key may have been published twice, by two gateways at once.
      JobTopicScan earlierRecords =
          new JobTopicScan(
              config.kafkaBootstrap(),
              config.jobsTopic(),
              config.duplicateWindow(),
              JOB_SCAN_DEADLINE);
      // Streams running jobs' output to gozo.output; brings their input and cancels from
      // gozo.input.
      KafkaLiveJobs live =
          new KafkaLiveJobs(
              config.kafkaBootstrap(),
              config.outputTopic(),
              config.inputTopic(),
              config.inputLookback(),
              config.interactiveIdle(),
              Duration.ofSeconds(30));
      JobProcessor processor =
          new JobProcessor(
              catalogue,
              new JobValidator(catalogue, JobBounds.defaults()),
              sandbox,
              new MeteredResultSink(publisher, metrics),
              lookup,
              earlierRecords,
              config.workerId(),
              config.maxAttempts(),
              live);
      ShareGroupIntake intake =
          new ShareGroupIntake(
              config.kafkaBootstrap(),
              config.shareGroup(),
              config.jobsTopic(),
              config.concurrency(),
              processor,
              sandbox::available);
      WorkerHealth health =
          new WorkerHealth(
              config.workerId(),
              () -> sandbox.engineAnswers(ENGINE_PING_TIMEOUT),
              intake::aliveSlots,
              config.concurrency(),
              intake::restarts);
      metrics.gauge(
          "gozo_worker_slots_alive", "Job slots polling or running a job", intake::aliveSlots);
      metrics.gauge("gozo_worker_slots", "Job slots configured", config::concurrency);
      metrics.gauge(
          "gozo_pool_warm_containers",
          "Warm sandbox containers ready, all runtimes",
          sandbox::warmContainers);
      metrics.gauge(
          "gozo_pool_spent_containers",
          "Used sandbox containers waiting for removal",
          sandbox::spentContainers);
      metrics.gauge(
          "gozo_docker_circuit_open",
          "1 while the Docker engine's circuit breaker is open",
          () -> sandbox.engineCircuitOpen() ? 1 : 0);
      metrics.gauge(
          "gozo_worker_slot_restarts", "Job slots restarted after failing", intake::restarts);
      HealthServer healthServer;
      try {
        healthServer = HealthServer.start(config.healthPort(), health, metrics::scrape);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "could not serve /health on GOZO_HEALTH_PORT=" + config.healthPort(), e);
      }
      Worker worker =
          new Worker(
              config,
              sandbox,
              lease,
              peerSweeper,
              publisher,
              live,
              lookup,
              earlierRecords,
              intake,
              health,
              healthServer);
      worker.startTakingJobs();
      return worker;
    }

    /** The port of this worker's {@code GET /health}. */
    public int healthPort() {
      return healthServer.port();
    }

    /**
     * Takes jobs once the share group is configured as required; until then (a broker that refuses
     * the lock, a broker away) it says why in the log and in /health and tries again.
     */
    private void startTakingJobs() {
      if (configureShareGroup()) {
        return;
      }
      Thread retry =
          new Thread(
              () -> {
                while (!isStopping()) {
                  try {
                    Thread.sleep(SHARE_GROUP_RETRY.toMillis());
                  } catch (InterruptedException e) {
                    return; // stopping
                  }
                  if (!isStopping() && configureShareGroup()) {
                    return;
                  }
                }
              },
              "share-group-setup");
      retry.setDaemon(true);
      retry.start();
    }

    /** One attempt; starts the intake and returns true when the group is configured. */
    private boolean configureShareGroup() {
      Optional<String> problem =
          ShareGroupSetup.configure(
              config.kafkaBootstrap(), config.shareGroup(), config.lockDuration());
      if (problem.isPresent()) {
        health.shareGroupRefused(problem.get());
        LOG.error(
            "share group {} is not configured as this worker requires, so it takes no job: {};"
                + " trying again in {} s",
            config.shareGroup(),
            problem.get(),
            SHARE_GROUP_RETRY.toSeconds());
        return false;
      }
      synchronized (this) {
        if (stopped) {
          return true;
        }
        health.shareGroupConfigured();
        intake.start();
      }
      LOG.info(
          "worker {} started: {} slots, group {} (lock {} ms), topic {}",
          config.workerId(),
          config.concurrency(),
          config.shareGroup(),
          config.lockDuration().toMillis(),
          config.jobsTopic());
      return true;
    }

    private synchronized boolean isStopping() {
      return stopped;
    }

    /** Compile and run at their maximum wall limits, plus container set-up. */
    static Duration longestJob(RuntimeCatalogue catalogue) {
      return Duration.ofMillis(
          catalogue.maxCompileLimits().getWallTimeMs()
              + catalogue.maxLimits().getWallTimeMs()
              + 15_000);
    }

    /**
     * Graceful stop: take no more jobs, let running ones finish within the grace period, then kill
     * what still runs (those records are released for another worker), remove every container, and
     * close Kafka clients. Logs which of the two endings it was.
     */
    public void stop() {
      synchronized (this) {
        if (stopped) {
          return;
        }
        stopped = true;
      }
      LOG.info(
          "worker {} stopping: no new jobs, {} ms for running ones",
          config.workerId(),
          config.shutdownGrace().toMillis());
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
      live.close();
      publisher.close();
      lookup.close();
      earlierRecords.close();
      healthServer.close();
      LOG.info("worker {} stopped", config.workerId());
      done.countDown();
    }

    public void awaitStopped() throws InterruptedException {
      done.await();
    }
  }
}
