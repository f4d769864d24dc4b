package dev.gozo.worker.intake;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Makes sure the workers' share group behaves as the worker assumes: a new group starts at the
 * earliest offset (jobs published before the first worker started are not skipped), and a
 * delivered job stays locked to its worker for longer than the longest job can run (so it is
 * never handed to a second worker while the first still runs it) but not much longer (so the
 * jobs of a worker that died come back soon).
 *
 * <p>The settings are written and then read back: a broker that refuses them (a lock above its
 * {@code group.share.max.record.lock.duration.ms}, say) leaves the group on the broker's default
 * lock, under which long jobs would run twice. The worker takes no job until this succeeds.
 */
public final class ShareGroupSetup {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(20);

  private ShareGroupSetup() {}

  /** Configures the group; empty when it is configured as required, else what went wrong. */
  public static Optional<String> configure(String bootstrap, String group, Duration lockDuration) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    Map<String, String> wanted =
        Map.of(
            "share.auto.offset.reset", "earliest",
            "share.record.lock.duration.ms", Long.toString(lockDuration.toMillis()));
    ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
    try (Admin admin = Admin.create(props)) {
      admin
          .incrementalAlterConfigs(
              Map.of(resource, wanted.entrySet().stream().map(ShareGroupSetup::set).toList()))
          .all()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Config actual =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(resource);
      return mismatch(wanted, actual);
    } catch (ExecutionException e) {
      return Optional.of("the broker refused the share group's settings " + wanted + ": " + e.getCause());
    } catch (TimeoutException e) {
      return Optional.of("the broker did not answer within " + ADMIN_TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while configuring the share group");
    } catch (RuntimeException e) {
      return Optional.of("could not configure the share group: " + e);
    }
  }

  /** The first wanted setting the broker does not report back, if any. */
  static Optional<String> mismatch(Map<String, String> wanted, Config actual) {
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

  private static AlterConfigOp set(Map.Entry<String, String> setting) {
    return new AlterConfigOp(
        new ConfigEntry(setting.getKey(), setting.getValue()), AlterConfigOp.OpType.SET);
  }
}
