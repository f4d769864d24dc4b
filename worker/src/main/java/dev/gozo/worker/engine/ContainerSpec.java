package dev.gozo.worker.engine;

import java.util.List;
import java.util.Map;

/**
 * A container to create.
 *
 * @param image the image
 * @param command the command and its arguments
 * @param user "uid:gid" to run as; null for the image's
 * @param workingDir null for the image's
 * @param env "NAME=value" entries
 * @param labels the container's labels
 * @param interactive whether stdin stays open for {@link ContainerEngine#attach} (and the stop
 *     timeout is zero: a sandbox is killed, never asked to stop)
 * @param isolation the kernel-level confinement; null for none beyond no network and no logs
 */
public record ContainerSpec(
    String image,
    List<String> command,
    String user,
    String workingDir,
    List<String> env,
    Map<String, String> labels,
    boolean interactive,
    Isolation isolation) {

  public ContainerSpec {
    command = List.copyOf(command);
    env = List.copyOf(env);
    labels = Map.copyOf(labels);
  }

  /**
   * How a sandbox is confined.
   *
   * @param readOnlyRoot the root filesystem is read-only
   * @param securityOpts e.g. "no-new-privileges", "seccomp=JSON"; every capability is dropped
   * @param memoryBytes memory limit, swap included (no swap)
   * @param processes pids limit
   * @param nanoCpus CPU quota in billionths of a CPU
   * @param oomScoreAdj the kernel's OOM preference (1000: this one first)
   * @param shmBytes size of /dev/shm
   * @param ulimits name -> soft and hard limit
   * @param tmpfs mount point -> tmpfs options
   * @param runtime OCI runtime (e.g. runsc); blank for the engine's default
   */
  public record Isolation(
      boolean readOnlyRoot,
      List<String> securityOpts,
      long memoryBytes,
      long processes,
      long nanoCpus,
      int oomScoreAdj,
      long shmBytes,
      Map<String, Long> ulimits,
      Map<String, String> tmpfs,
      String runtime) {

    public Isolation {
      securityOpts = List.copyOf(securityOpts);
      ulimits = Map.copyOf(ulimits);
      tmpfs = Map.copyOf(tmpfs);
    }
  }
}
