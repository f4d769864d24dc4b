package dev.gozo.worker.intake;

import dev.gozo.topics.TopicAdmin;
import dev.gozo.topics.Topics;
import java.time.Duration;
import java.util.Optional;

/**
 * Makes sure the workers' share group behaves as the worker assumes ({@link
 * Topics#shareGroupSettings}): a new group starts at the earliest offset (jobs published before the
 * first worker started are not skipped), and a delivered job stays locked to its worker for longer
 * than the longest job can run (so it is never handed to a second worker while the first still runs
 * it) but not much longer (so the jobs of a worker that died come back soon).
 *
 * <p>The settings are written and then read back: a broker that refuses them (a lock above its
 * {@code group.share.max.record.lock.duration.ms}, say) leaves the group on the broker's default
 * lock, under which long jobs would run twice. The worker takes no job until this succeeds.
 */
public final class ShareGroupSetup {

  private ShareGroupSetup() {}

  /** Configures the group; empty when it is configured as required, else what went wrong. */
  public static Optional<String> configure(String bootstrap, String group, Duration lockDuration) {
    try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
      return admin.configureShareGroup(group, Topics.shareGroupSettings(lockDuration));
    } catch (RuntimeException e) {
      return Optional.of("could not configure the share group: " + e);
    }
  }
}
