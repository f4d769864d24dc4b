package dev.gozo.topics;

import dev.gozo.topics.Topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Brings a broker to what {@link Topics} defines: missing topics are created, the configs of every
 * topic are (re)applied, and share-group settings are written and read back. Every step is
 * idempotent, so scripts run it at every start and test fixtures for every test class.
 */
public final class TopicAdmin implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Duration READ_BACK = Duration.ofSeconds(5);
  private static final Duration READ_BACK_INTERVAL = Duration.ofMillis(200);

  private final Admin admin;

  public TopicAdmin(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    this.admin = Admin.create(props);
  }

  /**
   * Creates the topics that do not exist yet and sets the configs of all of them. An existing topic
   * keeps its partitions: Kafka cannot take partitions away, and adding some would move keys to
   * other partitions under readers that look a key's record up by its partition.
   *
   * @return the names of the topics that were created
   */
  public List<String> ensure(Collection<TopicSpec> specs)
      throws ExecutionException, InterruptedException, TimeoutException {
    Set<String> existing =
        admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    List<NewTopic> missing = new ArrayList<>();
    Map<ConfigResource, Collection<AlterConfigOp>> configs = new LinkedHashMap<>();
    for (TopicSpec spec : specs) {
      if (!existing.contains(spec.name())) {
        missing.add(
            new NewTopic(spec.name(), spec.partitions(), Topics.REPLICATION_FACTOR)
                .configs(spec.configs()));
      } else if (!spec.configs().isEmpty()) {
        configs.put(
            new ConfigResource(ConfigResource.Type.TOPIC, spec.name()), set(spec.configs()));
      }
    }
    if (!missing.isEmpty()) {
      try {
        admin.createTopics(missing).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // Another process created one of them just now: apply the configs to it like to the rest.
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
          throw e;
        }
        missing.forEach(
            topic ->
                configs.put(
                    new ConfigResource(ConfigResource.Type.TOPIC, topic.name()),
                    set(topic.configs())));
      }
    }
    if (!configs.isEmpty()) {
      admin.incrementalAlterConfigs(configs).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    return missing.stream().map(NewTopic::name).toList();
  }

  /**
   * The topics that exist with another partition count than their spec asks for, each as "name has
   * N partitions, M wanted": {@link #ensure} never changes an existing topic's partitions, so an
   * operator must hear about a jobs topic from before ADR 0006.
   */
  public List<String> partitionMismatches(Collection<TopicSpec> specs)
      throws ExecutionException, InterruptedException, TimeoutException {
    Set<String> existing =
        admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    List<String> names = specs.stream().map(TopicSpec::name).filter(existing::contains).toList();
    Map<String, org.apache.kafka.clients.admin.TopicDescription> described =
        admin.describeTopics(names).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    List<String> mismatches = new ArrayList<>();
    for (TopicSpec spec : specs) {
      var description = described.get(spec.name());
      if (description != null && description.partitions().size() != spec.partitions()) {
        mismatches.add(
            spec.name()
                + " has "
                + description.partitions().size()
                + " partitions, "
                + spec.partitions()
                + " wanted");
      }
    }
    return mismatches;
  }

  /**
   * Writes the share group's settings and reads them back: a broker that refuses them (a lock above
   * its {@code group.share.max.record.lock.duration.ms}, say) would leave the group on the broker's
   * defaults. Empty when the group is configured as required, else what went wrong.
   */
  public Optional<String> configureShareGroup(String group, Map<String, String> wanted) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
    try {
      admin
          .incrementalAlterConfigs(Map.of(resource, set(wanted)))
          .all()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      // The first write to a new group reaches describeConfigs a moment later: read back until
      // it shows, or the broker keeps reporting something else.
      long deadline = System.nanoTime() + READ_BACK.toNanos();
      while (true) {
        Config actual =
            admin
                .describeConfigs(List.of(resource))
                .all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .get(resource);
        Optional<String> mismatch = mismatch(wanted, actual);
        if (mismatch.isEmpty() || System.nanoTime() > deadline) {
          return mismatch;
        }
        Thread.sleep(READ_BACK_INTERVAL.toMillis());
      }
    } catch (ExecutionException e) {
      return Optional.of(
          "the broker refused the share group's settings " + wanted + ": " + e.getCause());
    } catch (TimeoutException e) {
      return Optional.of("the broker did not answer within " + TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while configuring the share group");
    } catch (RuntimeException e) {
      return Optional.of("could not configure the share group: " + e);
    }
  }

  /** The first wanted setting the broker does not report back, if any. */
  public static Optional<String> mismatch(Map<String, String> wanted, Config actual) {
    for (Map.Entry<String, String> setting : wanted.entrySet()) {
      ConfigEntry entry = actual == null ? null : actual.get(setting.getKey());
      String value = entry == null ? null : entry.value();
      if (!setting.getValue().equals(value)) {
        return Optional.of(
            "the broker reports "
                + setting.getKey()
                + "="
                + value
                + " for the share group, not "
                + setting.getValue());
      }
    }
    return Optional.empty();
  }

  /** Deletes topics; a test's leftovers only cost disk, so failures are the caller's to ignore. */
  public void delete(Collection<String> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    admin.deleteTopics(topics).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static List<AlterConfigOp> set(Map<String, String> settings) {
    return settings.entrySet().stream()
        .map(
            setting ->
                new AlterConfigOp(
                    new ConfigEntry(setting.getKey(), setting.getValue()),
                    AlterConfigOp.OpType.SET))
        .toList();
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
