package dev.gozo.worker.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ulimit;
import dev.gozo.protocol.v1.Runtime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates hardened sandbox containers: no network, read-only root, non-root user, every
 * capability dropped, no-new-privileges, our own seccomp allowlist (seccomp.json: stricter than
 * Docker's default, see docs/security.md), an init process, memory without swap, a pids limit, a
 * CPU quota, small size-limited tmpfs mounts for /work and /tmp, and no log driver (output is only
 * ever read from the attach stream, so nothing lands on the host's disk).
 */
final class ContainerFactory {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerFactory.class);

  static final String OWNER_LABEL = "dev.gozo.owner";
  static final String ROLE_LABEL = "dev.gozo.role";
  static final String RUNTIME_LABEL = "dev.gozo.runtime";

  private static final String LAUNCHER = loadResource("launcher.sh");

  /** The engine takes the profile's JSON itself (the CLI's --security-opt seccomp=FILE reads it). */
  static final String SECCOMP_PROFILE =
      loadResource("seccomp.json").replaceAll("\\n\\s*", "");

  private final DockerClient docker;
  private final DockerClient streams;
  private final SandboxSettings settings;

  ContainerFactory(DockerClient docker, DockerClient streams, SandboxSettings settings) {
    this.docker = docker;
    this.streams = streams;
    this.settings = settings;
  }

  /** Creates, attaches and starts a container for the runtime; the launcher then waits. */
  SandboxContainer start(Runtime runtime, String poolKey, ContainerLimits limits) {
    String id = create(runtime, limits);
    StdinFeed stdin = new StdinFeed();
    SandboxContainer container = new SandboxContainer(id, poolKey, limits, stdin);
    try {
      var callback =
          streams
              .attachContainerCmd(id)
              .withStdIn(stdin)
              .withStdOut(true)
              .withStdErr(true)
              .withFollowStream(true)
              .exec(container.frames());
      container.attachment(callback);
      if (!callback.awaitStarted(10, TimeUnit.SECONDS)) {
        // Without the attach stream the job could never be sent: fail now, not at a timeout.
        throw new IllegalStateException("could not attach to sandbox " + id + " within 10 s");
      }
      docker.startContainerCmd(id).exec();
      Long pid = docker.inspectContainerCmd(id).exec().getState().getPidLong();
      ResourceMeter meter =
          CgroupMeter.forContainer(settings.cgroupRoot(), id, pid == null ? -1 : pid);
      if (meter == ResourceMeter.NONE) {
        LOG.warn(
            "sandbox {} (pid {}): no cgroup found under {}; its jobs get no CPU or memory figures",
            id, pid, settings.cgroupRoot());
      }
      container.meter(meter);
      return container;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      remove(id);
      throw new IllegalStateException("interrupted while starting a sandbox", e);
    } catch (RuntimeException e) {
      remove(id);
      throw e;
    }
  }

  private String create(Runtime runtime, ContainerLimits limits) {
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode("none")
            .withReadonlyRootfs(true)
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges", "seccomp=" + SECCOMP_PROFILE))
            .withInit(true)
            .withMemory(limits.memoryBytes())
            .withMemorySwap(limits.memoryBytes())
            .withMemorySwappiness(0L)
            .withPidsLimit((long) limits.processes())
            .withNanoCPUs((long) (settings.cpus() * 1_000_000_000L))
            .withOomScoreAdj(1000)
            .withShmSize(16L * 1024 * 1024)
            .withIpcMode("private")
            .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE))
            .withUlimits(
                List.of(new Ulimit("core", 0L, 0L), new Ulimit("nofile", 1024L, 1024L)))
            .withTmpFs(
                Map.of(
                    "/work",
                    tmpfs(settings.workDirMb(), "0700"),
                    "/tmp",
                    tmpfs(settings.tmpMb(), "1777")));
    if (!settings.containerRuntime().isBlank()) {
      host.withRuntime(settings.containerRuntime());
    }
    List<String> env = new ArrayList<>();
    env.add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.add("HOME=/tmp");
    env.add("LANG=C.UTF-8");
    env.add("TMPDIR=/tmp");
    env.addAll(runtime.getEnvironmentList());
    CreateContainerCmd create =
        docker
            .createContainerCmd(runtime.getImage())
            // The launcher re-executes itself from a copy of sh it cannot read; it gets its own
            // text as $1 for that (see launcher.sh).
            .withCmd("/bin/sh", "-c", LAUNCHER, "gozo-boot", LAUNCHER)
            .withUser(settings.user())
            .withWorkingDir("/work")
            .withEnv(env)
            .withNetworkDisabled(true)
            .withStdinOpen(true)
            .withStdInOnce(false)
            .withAttachStdin(true)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .withTty(false)
            .withStopTimeout(0)
            .withLabels(
                Map.of(
                    OWNER_LABEL, settings.ownerId(),
                    ROLE_LABEL, "sandbox",
                    RUNTIME_LABEL, runtime.getLanguage()))
            .withHostConfig(host);
    return create.exec().getId();
  }

  private String tmpfs(int sizeMb, String mode) {
    String[] ids = settings.user().split(":");
    return "rw,exec,nosuid,nodev,size="
        + sizeMb
        + "m,mode="
        + mode
        + ",uid="
        + ids[0]
        + ",gid="
        + (ids.length > 1 ? ids[1] : ids[0]);
  }

  /** Removes a container; one that is already gone is not an error. */
  void remove(String id) {
    try {
      docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      // already gone: exactly what we wanted
    } catch (com.github.dockerjava.api.exception.ConflictException e) {
      // removal already in progress
    }
  }

  private static String loadResource(String name) {
    try (InputStream in = ContainerFactory.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " missing from the worker jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
