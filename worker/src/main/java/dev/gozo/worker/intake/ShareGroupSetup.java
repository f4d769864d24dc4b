package dev.gozo.worker.intake;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the workers' share group behaves as the worker assumes: a new group starts at the
 * earliest offset (jobs published before the first worker started are not skipped), and a
 * delivered job stays locked to its worker for longer than the longest job can run (so it is
 * never handed to a second worker while the first still runs it) but not much longer (so the
 * jobs of a worker that died come back soon).
 */
public final class ShareGroupSetup {

  private static final Logger LOG = LoggerFactory.getLogger(ShareGroupSetup.class);

  private ShareGroupSetup() {}

  public static void ensure(String bootstrap, String group, Duration lockDuration) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    try (Admin admin = Admin.create(props)) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.GROUP, group),
                  List.of(
                      set("share.auto.offset.reset", "earliest"),
                      set("share.record.lock.duration.ms", Long.toString(lockDuration.toMillis())))))
          .all()
          .get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("could not configure share group {} (continuing with broker defaults): {}", group, e.toString());
    }
  }

  private static AlterConfigOp set(String name, String value) {
    return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
  }
}
