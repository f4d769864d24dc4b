package dev.gozo.worker;

import dev.gozo.protocol.v1.Runtime;
import dev.gozo.topics.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Function;

/**
 * The worker's settings, read once from the environment. Every field has a documented default
 * (README, "Configuration"); {@link #validate()} refuses nonsense at start-up.
 *
 * @param workerId GOZO_WORKER_ID: stable name of this worker; labels its containers so its next
 *     life can remove what this one left (default: worker-RANDOM)
 * @param kafkaBootstrap GOZO_KAFKA_BOOTSTRAP (127.0.0.1:9092)
 * @param jobsTopic GOZO_TOPIC_JOBS (gozo.jobs)
 * @param eventsTopic GOZO_TOPIC_EVENTS (gozo.events)
 * @param resultsTopic GOZO_TOPIC_RESULTS (gozo.results)
 * @param shareGroup GOZO_SHARE_GROUP (gozo-workers)
 * @param concurrency GOZO_WORKER_CONCURRENCY: jobs run at once (4)
 * @param maxAttempts GOZO_MAX_ATTEMPTS: deliveries before a job is failed as poison (3)
 * @param shutdownGrace GOZO_SHUTDOWN_GRACE_MS: time running jobs get on SIGTERM (30000)
 * @param catalogue GOZO_CATALOGUE: runtime catalogue file (blank = bundled copy)
 * @param dockerHost DOCKER_HOST (unix:///var/run/docker.sock)
 * @param warmPerRuntime GOZO_WARM_PER_RUNTIME: idle containers kept per runtime in use, unless
 *     GOZO_WARM_LANGUAGES gives the language a reserve of its own (1)
 * @param containerRuntime GOZO_CONTAINER_RUNTIME: OCI runtime such as runsc (engine default)
 * @param sandboxCpus GOZO_SANDBOX_CPUS: CPU quota per sandbox in cores (1.0)
 * @param lockDuration GOZO_LOCK_DURATION_MS: share-group acquisition lock; must exceed the longest
 *     job, and is how long a dead worker's jobs wait for redelivery (90000)
 * @param warmLanguages GOZO_WARM_LANGUAGES: languages kept warm even when idle, comma-separated,
 *     each as NAME or NAME:RESERVE (idle containers kept for bursts; a bare name keeps
 *     GOZO_WARM_PER_RUNTIME), "*" for all (python:100,javascript:4,bash,c,cpp,java); others are
 *     warmed while they are in use
 * @param cgroupRoot GOZO_CGROUP_ROOT: the host's cgroup filesystem as this process sees it; a
 *     worker in a container mounts the host's /sys/fs/cgroup read-only somewhere (/sys/fs/cgroup)
 * @param recycleTenants GOZO_RECYCLE_TENANTS: tenants whose containers may serve several of their
 *     jobs, comma-separated (none); see docs/security.md, "Recycling mode"
 * @param recycleMaxJobs GOZO_RECYCLE_MAX_JOBS: jobs one recycled container serves at most (50)
 * @param healthPort GOZO_HEALTH_PORT: port of the worker's {@code GET /health} on all interfaces; 0
 *     picks a free port (8081)
 * @param duplicateWindow GOZO_DUPLICATE_WINDOW_MS: how far before a record with a repeatable id (an
 *     Idempotency-Key) the jobs topic is searched for an earlier record of the same id (600000)
 * @param ownerLeaseTtl GOZO_OWNER_LEASE_TTL_MS: how long this worker's owner lease on the engine
 *     proves it alive; renewed every third of it, and how long after a kill -9 its sandboxes are
 *     left before peers remove them (60000)
 * @param orphanStaleAfter GOZO_ORPHAN_STALE_AFTER_MS: age after which any worker's sweep removes a
 *     sandbox it has no lease to judge by: no owner label, or an owner without any lease (900000)
 * @param outputTopic GOZO_TOPIC_OUTPUT (gozo.output): where running jobs' stages and output go
 * @param inputTopic GOZO_TOPIC_INPUT (gozo.input): where stdin, signals and cancels come from
 * @param interactiveIdle GOZO_INTERACTIVE_IDLE_MS: how long an interactive job may see neither
 *     input nor output when its job does not say (30000)
 * @param inputLookback GOZO_INPUT_LOOKBACK_MS: how far back gozo.input is read when the worker
 *     starts, so cancels and input sent for jobs still queued are not missed (600000)
 */
public record WorkerConfig(
    String workerId,
    String kafkaBootstrap,
    String jobsTopic,
    String eventsTopic,
    String resultsTopic,
    String shareGroup,
    int concurrency,
    int maxAttempts,
    Duration shutdownGrace,
    String catalogue,
    String dockerHost,
    int warmPerRuntime,
    String containerRuntime,
    double sandboxCpus,
    Duration lockDuration,
    String warmLanguages,
    String cgroupRoot,
    String recycleTenants,
    int recycleMaxJobs,
    int healthPort,
    Duration duplicateWindow,
    Duration ownerLeaseTtl,
    Duration orphanStaleAfter,
    String outputTopic,
    String inputTopic,
    Duration interactiveIdle,
    Duration inputLookback) {

  /**
   * Python gets the largest reserve: it is what most jobs are written in, and a burst of sequential
   * jobs is served from it at full speed (see docs/benchmarks.md).
   */
  public static final String DEFAULT_WARM_LANGUAGES = "python:100,javascript:4,bash,c,cpp,java";

  /** A reserve larger than this is a typo, not a plan: each idle container costs ~4 MB. */
  public static final int MAX_RESERVE = 256;

  /**
   * Binds the environment to a config and validates it. A value that is not a number where one is
   * expected, or that is out of range, fails here with the variable's name and the bad value, so
   * the worker refuses to start instead of failing later.
   */
  public static WorkerConfig fromEnvironment(Map<String, String> env) {
    Variables vars = new Variables(env);
    return new WorkerConfig(
            vars.text("GOZO_WORKER_ID", "worker-" + UUID.randomUUID().toString().substring(0, 8)),
            vars.text("GOZO_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
            vars.text("GOZO_TOPIC_JOBS", Topics.JOBS),
            vars.text("GOZO_TOPIC_EVENTS", Topics.EVENTS),
            vars.text("GOZO_TOPIC_RESULTS", Topics.RESULTS),
            vars.text("GOZO_SHARE_GROUP", Topics.SHARE_GROUP),
            vars.integer("GOZO_WORKER_CONCURRENCY", 4),
            vars.integer("GOZO_MAX_ATTEMPTS", 3),
            vars.millis("GOZO_SHUTDOWN_GRACE_MS", Duration.ofSeconds(30)),
            vars.text("GOZO_CATALOGUE", ""),
            vars.text("DOCKER_HOST", "unix:///var/run/docker.sock"),
            vars.integer("GOZO_WARM_PER_RUNTIME", 1),
            vars.text("GOZO_CONTAINER_RUNTIME", ""),
            vars.decimal("GOZO_SANDBOX_CPUS", 1.0),
            vars.millis("GOZO_LOCK_DURATION_MS", Topics.LOCK_DURATION),
            vars.text("GOZO_WARM_LANGUAGES", DEFAULT_WARM_LANGUAGES),
            vars.text("GOZO_CGROUP_ROOT", "/sys/fs/cgroup"),
            vars.text("GOZO_RECYCLE_TENANTS", ""),
            vars.integer("GOZO_RECYCLE_MAX_JOBS", 50),
            vars.integer("GOZO_HEALTH_PORT", 8081),
            vars.millis("GOZO_DUPLICATE_WINDOW_MS", Duration.ofMinutes(10)),
            vars.millis("GOZO_OWNER_LEASE_TTL_MS", Duration.ofMinutes(1)),
            vars.millis("GOZO_ORPHAN_STALE_AFTER_MS", Duration.ofMinutes(15)),
            vars.text("GOZO_TOPIC_OUTPUT", Topics.OUTPUT),
            vars.text("GOZO_TOPIC_INPUT", Topics.INPUT),
            vars.millis("GOZO_INTERACTIVE_IDLE_MS", Duration.ofSeconds(30)),
            vars.millis("GOZO_INPUT_LOOKBACK_MS", Duration.ofMinutes(10)))
        .validate();
  }

  /** Whether GOZO_WARM_LANGUAGES names this language (or is "*"). */
  public boolean keepsWarm(String language) {
    return reserveOf(language).isPresent();
  }

  /** The runtimes GOZO_WARM_LANGUAGES keeps warm, each with the reserve it gives it. */
  public Map<Runtime, Integer> warmReserves(List<Runtime> runtimes) {
    Map<Runtime, Integer> reserves = new LinkedHashMap<>();
    for (Runtime runtime : runtimes) {
      reserveOf(runtime.getLanguage()).ifPresent(reserve -> reserves.put(runtime, reserve));
    }
    return reserves;
  }

  /** The reserve GOZO_WARM_LANGUAGES gives the language (its first matching entry), if any. */
  public OptionalInt reserveOf(String language) {
    for (String entry : warmLanguages.split(",")) {
      String[] parts = entry.trim().split(":", 2);
      if (parts[0].equals("*") || parts[0].equalsIgnoreCase(language)) {
        return OptionalInt.of(
            parts.length == 2 ? Integer.parseInt(parts[1].trim()) : warmPerRuntime);
      }
    }
    return OptionalInt.empty();
  }

  /** What GOZO_RECYCLE_TENANTS and GOZO_RECYCLE_MAX_JOBS allow. */
  public dev.gozo.worker.sandbox.recycling.RecyclePolicy recyclePolicy() {
    return dev.gozo.worker.sandbox.recycling.RecyclePolicy.of(recycleTenants, recycleMaxJobs);
  }

  public WorkerConfig validate() {
    require(
        workerId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
        "GOZO_WORKER_ID must be a simple name");
    require(concurrency >= 1 && concurrency <= 256, "GOZO_WORKER_CONCURRENCY must be 1..256");
    require(
        maxAttempts >= 1 && maxAttempts <= 4,
        "GOZO_MAX_ATTEMPTS must be 1..4 (the broker stops at 5)");
    require(!shutdownGrace.isNegative(), "GOZO_SHUTDOWN_GRACE_MS must not be negative");
    require(warmPerRuntime >= 0 && warmPerRuntime <= 64, "GOZO_WARM_PER_RUNTIME must be 0..64");
    for (String entry : warmLanguages.split(",")) {
      String trimmed = entry.trim();
      require(
          trimmed.isEmpty()
              || trimmed.matches("[A-Za-z0-9*+#._-]+(:[0-9]{1,3})?")
                  && (!trimmed.contains(":")
                      || Integer.parseInt(trimmed.split(":")[1]) <= MAX_RESERVE),
          "GOZO_WARM_LANGUAGES entries must be NAME or NAME:RESERVE with a reserve of 0.."
              + MAX_RESERVE
              + ", not '"
              + trimmed
              + "'");
    }
    require(
        lockDuration.toMillis() >= 3000 && lockDuration.toMillis() <= 3_600_000,
        "GOZO_LOCK_DURATION_MS must be 3000..3600000 (and within the broker's"
            + " group.share.min/max.record.lock.duration.ms)");
    require(healthPort >= 0 && healthPort <= 65535, "GOZO_HEALTH_PORT must be 0..65535");
    require(
        duplicateWindow.toMillis() >= 1000 && duplicateWindow.toMillis() <= 86_400_000,
        "GOZO_DUPLICATE_WINDOW_MS must be 1000..86400000");
    require(
        ownerLeaseTtl.toMillis() >= 1000 && ownerLeaseTtl.toMillis() <= 3_600_000,
        "GOZO_OWNER_LEASE_TTL_MS must be 1000..3600000");
    require(
        orphanStaleAfter.toMillis() >= 1000, "GOZO_ORPHAN_STALE_AFTER_MS must be at least 1000");
    require(
        recycleMaxJobs >= 1 && recycleMaxJobs <= 10_000, "GOZO_RECYCLE_MAX_JOBS must be 1..10000");
    require(
        interactiveIdle.toMillis() >= 100 && interactiveIdle.toMillis() <= 3_600_000,
        "GOZO_INTERACTIVE_IDLE_MS must be 100..3600000");
    require(
        inputLookback.toMillis() >= 0 && inputLookback.toMillis() <= 86_400_000,
        "GOZO_INPUT_LOOKBACK_MS must be 0..86400000");
    require(sandboxCpus > 0 && sandboxCpus <= 64, "GOZO_SANDBOX_CPUS must be in (0, 64]");
    return this;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The environment, read variable by variable; every parse error names the variable. */
  private record Variables(Map<String, String> env) {

    String text(String name, String fallback) {
      return env.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
      return parse(name, fallback, Integer::parseInt, "a whole number");
    }

    double decimal(String name, double fallback) {
      return parse(name, fallback, Double::parseDouble, "a number");
    }

    Duration millis(String name, Duration fallback) {
      return parse(
          name,
          fallback,
          value -> Duration.ofMillis(Long.parseLong(value)),
          "a whole number of milliseconds");
    }

    private <T> T parse(String name, T fallback, Function<String, T> parser, String expected) {
      String value = env.get(name);
      if (value == null) {
        return fallback;
      }
      try {
        return parser.apply(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            name + " must be " + expected + ", not '" + value + "'", e);
      }
    }
  }
}
