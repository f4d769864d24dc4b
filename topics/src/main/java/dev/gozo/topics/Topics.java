package dev.gozo.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GozoLite's Kafka topics and the workers' share group, defined once: the gateway's and the
 * worker's defaults, the command scripts/ runs to create them ({@link InitTopics}) and the test
 * fixtures all read them from here, so a partition count or a retention cannot differ between what
 * is deployed and what is tested.
 *
 * <p>An instance names one set of topics: {@link #DEFAULT} the production ones, {@link #withPrefix}
 * a set of its own (each integration-test class gets one, so tests never see each other's records).
 *
 * @param jobs where the gateway publishes jobs ({@code ExecuteJob}, keyed by job id)
 * @param events where queued and started events go ({@code JobEvent})
 * @param results where workers publish final results ({@code JobCompleted}); compacted
 * @param output where workers publish a running job's stages and output chunks ({@code JobOutput})
 * @param input where callers send stdin, signals and cancels to a job ({@code JobInput})
 * @param shareGroup the share group the workers take jobs in
 * @param callbacks where gateways register a job's webhook ({@code CallbackRegistration}, keyed by
 *     job id); compacted, read only by gateways
 */
public record Topics(
    String jobs,
    String events,
    String results,
    String output,
    String input,
    String shareGroup,
    String callbacks) {

  // Compile-time constants, so that configuration annotations can name them as defaults.
  public static final String JOBS = "gozo.jobs";
  public static final String EVENTS = "gozo.events";
  public static final String RESULTS = "gozo.results";
  public static final String OUTPUT = "gozo.output";
  public static final String INPUT = "gozo.input";
  public static final String SHARE_GROUP = "gozo-workers";
  public static final String CALLBACKS = "gozo.callbacks";

  /** What the production names start with: PREFIX.jobs, PREFIX.events, PREFIX.results, ... */
  public static final String DEFAULT_PREFIX = "gozo";

  /**
   * Partitions of the keyed topics (events, results, output, input, callbacks): readers look a job
   * up in the one partition its id hashes to, so more partitions mean shorter scans.
   */
  public static final int PARTITIONS = 6;

  /**
   * Partitions of the jobs topic: one. A share group hands each partition to members exclusively
   * while there are at least as many partitions as members (KIP-932's simple assignor), so with six
   * partitions and two job slots, three jobs that hash to one slot's partitions queued behind each
   * other while the other slot idled (a CI run saw a job wait 25 s that way). With one partition
   * every slot of every worker is a member of it, and the broker gives the next job to whichever
   * slot asks first; a killed worker's share of the queue is not stranded until its session times
   * out either. One partition carries far more jobs per second than a fleet runs (a job is ~1 KB, a
   * broker partition takes tens of thousands of records a second); in-flight jobs are bounded by
   * the broker's group.share.partition.max.record.locks (2000 by default), see docs/adr/0006.
   */
  public static final int JOBS_PARTITIONS = 1;

  /** One broker in every deployment GozoLite ships (docs/deploy.md). */
  public static final short REPLICATION_FACTOR = 1;

  /** Events only serve a gateway catching up after a restart: a day is plenty. */
  public static final Duration EVENTS_RETENTION = Duration.ofDays(1);

  /** How long a finished job's result stays readable by id (GET after the in-memory store). */
  public static final Duration RESULTS_RETENTION = Duration.ofDays(7);

  /**
   * How long a delivered job stays locked to its worker (the worker's GOZO_LOCK_DURATION_MS):
   * longer than the longest job, since the lock is not renewed (docs/adr/0002), and within the
   * broker's group.share.min/max.record.lock.duration.ms (3 s .. 300 s in scripts/ and deploy/).
   */
  public static final Duration LOCK_DURATION = Duration.ofSeconds(90);

  /** The share-group setting that makes a new group start at the earliest offset. */
  public static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";

  /** The share-group setting for {@link #LOCK_DURATION}. */
  public static final String RECORD_LOCK_DURATION_MS = "share.record.lock.duration.ms";

  /**
   * A job's live stream is replayable (SSE Last-Event-ID, a finished job's whole stream) for as
   * long as its events are: a day.
   */
  public static final Duration OUTPUT_RETENTION = EVENTS_RETENTION;

  /** Input only matters while its job waits or runs; an hour covers the longest queue. */
  public static final Duration INPUT_RETENTION = Duration.ofHours(1);

  /**
   * A webhook registration is needed until its job's result was delivered (then a tombstone
   * replaces it), and the result itself is kept this long: the same retention.
   */
  public static final Duration CALLBACKS_RETENTION = RESULTS_RETENTION;

  public static final Topics DEFAULT =
      new Topics(JOBS, EVENTS, RESULTS, OUTPUT, INPUT, SHARE_GROUP, CALLBACKS);

  /**
   * PREFIX.jobs, .events, .results, .output, .input, .callbacks and the share group PREFIX-workers.
   */
  public static Topics withPrefix(String prefix) {
    return new Topics(
        prefix + ".jobs",
        prefix + ".events",
        prefix + ".results",
        prefix + ".output",
        prefix + ".input",
        prefix + "-workers",
        prefix + ".callbacks");
  }

  /** The same topics with another share group. */
  public Topics withShareGroup(String group) {
    return new Topics(jobs, events, results, output, input, group, callbacks);
  }

  /**
   * The topics a job's records travel through, which workers and gateways both know; {@link
   * #allNames()} adds the gateways' own callbacks topic.
   */
  public List<String> names() {
    return List.of(jobs, events, results, output, input);
  }

  /** Every topic, the gateways' own included: what is created and deleted. */
  public List<String> allNames() {
    return List.of(jobs, events, results, output, input, callbacks);
  }

  /** The topics with the default retentions. */
  public List<TopicSpec> specs() {
    return specs(EVENTS_RETENTION, RESULTS_RETENTION);
  }

  /** The topics, their partitions and configs. */
  public List<TopicSpec> specs(Duration eventsRetention, Duration resultsRetention) {
    return List.of(
        new TopicSpec(jobs, JOBS_PARTITIONS, Map.of()),
        new TopicSpec(
            events, PARTITIONS, Map.of("retention.ms", Long.toString(eventsRetention.toMillis()))),
        // compact keeps the latest result per job id; delete drops results older than the
        // retention (compact alone would ignore retention.ms and keep every job forever).
        new TopicSpec(
            results,
            PARTITIONS,
            Map.of(
                "cleanup.policy",
                "compact,delete",
                "retention.ms",
                Long.toString(resultsRetention.toMillis()))),
        new TopicSpec(
            output, PARTITIONS, Map.of("retention.ms", Long.toString(OUTPUT_RETENTION.toMillis()))),
        new TopicSpec(
            input, PARTITIONS, Map.of("retention.ms", Long.toString(INPUT_RETENTION.toMillis()))),
        // Like results: the latest registration per job id, gone after the retention.
        new TopicSpec(
            callbacks,
            PARTITIONS,
            Map.of(
                "cleanup.policy",
                "compact,delete",
                "retention.ms",
                Long.toString(CALLBACKS_RETENTION.toMillis()))));
  }

  /**
   * What the workers' share group must be set to: a new group starts at the earliest offset (jobs
   * published before the first worker started are not skipped), and a delivered job stays locked to
   * its worker for {@code lockDuration}.
   */
  public static Map<String, String> shareGroupSettings(Duration lockDuration) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(AUTO_OFFSET_RESET, "earliest");
    settings.put(RECORD_LOCK_DURATION_MS, Long.toString(lockDuration.toMillis()));
    return settings;
  }

  /** One topic as it must exist on the broker. */
  public record TopicSpec(String name, int partitions, Map<String, String> configs) {

    public TopicSpec {
      configs = Map.copyOf(configs);
    }

    /** This topic with one more config (a test that needs a smaller record limit, say). */
    public TopicSpec withConfig(String key, String value) {
      Map<String, String> more = new LinkedHashMap<>(configs);
      more.put(key, value);
      return new TopicSpec(name, partitions, more);
    }
  }
}
