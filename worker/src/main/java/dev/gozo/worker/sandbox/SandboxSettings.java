package dev.gozo.worker.sandbox;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How sandboxes are built. Defaults are closed: see {@link #defaults(String)}.
 *
 * @param ownerId label value naming the worker that owns the containers (orphan clean-up)
 * @param user uid:gid the program runs as; never root
 * @param cpus CPU share of one sandbox (1.0 = one core)
 * @param workDirMb size of the writable /work tmpfs
 * @param tmpMb size of the writable /tmp tmpfs
 * @param containerRuntime OCI runtime, e.g. "runc" (default) or "runsc" for gVisor; blank = engine
 *     default
 * @param cgroupRoot where the cgroup filesystem is mounted, for CPU and memory accounting
 * @param warmPerRuntime idle containers kept started per runtime, at least
 * @param maxWarmPerRuntime idle containers per runtime at most, when demand is high
 * @param meterInterval how often running jobs are checked against their CPU and wall limits
 * @param killSlack time we allow after a kill for the container to report its exit
 */
public record SandboxSettings(
    String ownerId,
    String user,
    double cpus,
    int workDirMb,
    int tmpMb,
    String containerRuntime,
    Path cgroupRoot,
    int warmPerRuntime,
    int maxWarmPerRuntime,
    Duration meterInterval,
    Duration killSlack) {

  public static SandboxSettings defaults(String ownerId) {
    return of(ownerId, 1.0, "", Path.of("/sys/fs/cgroup"), 1, 4);
  }

  /**
   * The settings an operator chooses, with the fixed hardening choices (uid, tmpfs sizes, metering
   * interval, kill slack) filled in from one place.
   */
  public static SandboxSettings of(
      String ownerId,
      double cpus,
      String containerRuntime,
      Path cgroupRoot,
      int warmPerRuntime,
      int maxWarmPerRuntime) {
    return new SandboxSettings(
        ownerId,
        "10001:10001",
        cpus,
        64,
        32,
        containerRuntime,
        cgroupRoot,
        warmPerRuntime,
        Math.max(warmPerRuntime, maxWarmPerRuntime),
        Duration.ofMillis(10),
        Duration.ofSeconds(5));
  }

  public SandboxSettings withWarmPerRuntime(int warm) {
    return new SandboxSettings(
        ownerId,
        user,
        cpus,
        workDirMb,
        tmpMb,
        containerRuntime,
        cgroupRoot,
        warm,
        Math.max(warm, maxWarmPerRuntime),
        meterInterval,
        killSlack);
  }
}
