package dev.gozo.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates GozoLite's topics on a broker and configures the workers' share group; scripts/ runs it
 * at every start (gozo_create_topics in scripts/lib/common.sh), so it is idempotent: existing
 * topics are kept and their configs re-applied.
 *
 * <pre>
 *   java -cp topics.jar:KAFKA_CLIENTS... dev.gozo.topics.InitTopics BOOTSTRAP [--prefix P]
 * </pre>
 *
 * <p>Optional environment, as the worker reads it: GOZO_SHARE_GROUP, GOZO_LOCK_DURATION_MS, and
 * GOZO_EVENTS_RETENTION_MS / GOZO_RESULTS_RETENTION_MS. Exit code 0 when done, 1 when the broker
 * refused something, 2 on a usage error.
 */
public final class InitTopics {

  private InitTopics() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("InitTopics: " + e.getMessage());
      System.err.println("usage: InitTopics BOOTSTRAP [--prefix PREFIX]");
      code = 2;
    }
    System.exit(code);
  }

  static int run(String[] args, Map<String, String> env) {
    if (args.length != 1 && !(args.length == 3 && args[1].equals("--prefix"))) {
      throw new IllegalArgumentException("expected BOOTSTRAP [--prefix PREFIX]");
    }
    String bootstrap = args[0];
    Topics topics = args.length == 3 ? Topics.withPrefix(args[2]) : Topics.DEFAULT;
    String group = env.get("GOZO_SHARE_GROUP");
    if (group != null && !group.isBlank()) {
      topics = topics.withShareGroup(group);
    }
    Duration eventsRetention = millis(env, "GOZO_EVENTS_RETENTION_MS", Topics.EVENTS_RETENTION);
    Duration resultsRetention = millis(env, "GOZO_RESULTS_RETENTION_MS", Topics.RESULTS_RETENTION);
    Duration lock = millis(env, "GOZO_LOCK_DURATION_MS", Topics.LOCK_DURATION);
    try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
      List<String> created = admin.ensure(topics.specs(eventsRetention, resultsRetention));
      System.out.println(
          "topics "
              + String.join(", ", topics.allNames())
              + " ready"
              + (created.isEmpty() ? "" : ", created " + created));
      for (String mismatch :
          admin.partitionMismatches(topics.specs(eventsRetention, resultsRetention))) {
        System.err.println(
            "InitTopics: warning: "
                + mismatch
                + " (an existing topic keeps its partitions; see docs/adr/0006 to move)");
      }
      Optional<String> problem =
          admin.configureShareGroup(topics.shareGroup(), Topics.shareGroupSettings(lock));
      if (problem.isPresent()) {
        System.err.println("InitTopics: share group " + topics.shareGroup() + ": " + problem.get());
        return 1;
      }
      System.out.println(
          "share group " + topics.shareGroup() + ": " + Topics.shareGroupSettings(lock));
      return 0;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      System.err.println("InitTopics: could not create the topics on " + bootstrap + ": " + e);
      return 1;
    }
  }

  private static Duration millis(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Duration.ofMillis(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a number of milliseconds, not '" + value + "'");
    }
  }
}
