package dev.gozo.worker.sandbox.container;

import dev.gozo.protocol.v1.Runtime;
import dev.gozo.worker.engine.ContainerEngine;
import dev.gozo.worker.engine.ContainerSpec;
import dev.gozo.worker.sandbox.SandboxSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates hardened sandbox containers: no network, read-only root, non-root user, every capability
 * dropped, no-new-privileges, our own seccomp allowlist (seccomp.json: stricter than Docker's
 * default, see docs/security.md), an init process, memory without swap, a pids limit, a CPU quota,
 * small size-limited tmpfs mounts for /work and /tmp, and no log driver (output is only ever read
 * from the attach stream, so nothing lands on the host's disk).
 */
public final class ContainerFactory {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerFactory.class);

  public static final String OWNER_LABEL = "dev.gozo.owner";
  public static final String ROLE_LABEL = "dev.gozo.role";
  public static final String RUNTIME_LABEL = "dev.gozo.runtime";

  private static final String LAUNCHER = loadResource("launcher.sh");

  /**
   * The engine takes the profile's JSON itself (the CLI's --security-opt seccomp=FILE reads it).
   */
  static final String SECCOMP_PROFILE = loadResource("seccomp.json").replaceAll("\\n\\s*", "");

  // Memory the engine may give /dev/shm: enough for a runtime's own semaphores, too little to
  // hold data past the memory limit's reach for long.
  private static final long SHM_BYTES = 16L * 1024 * 1024;
  // The kernel's OOM killer picks a sandbox before anything else on the host.
  private static final int OOM_SCORE_ADJ = 1000;
  // Open files per process: far above what a job needs, far below what exhausts the host.
  private static final long OPEN_FILES = 1024;
  // How long the attach stream may take to come up before the container is given up.
  private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(10);

  private final ContainerEngine engine;
  private final SandboxSettings settings;

  // Hears how long each start took (create, attach, start, find its cgroup): a metric.
  private volatile java.util.function.Consumer<java.time.Duration> startTimes = took -> {};

  public ContainerFactory(ContainerEngine engine, SandboxSettings settings) {
    this.engine = engine;
    this.settings = settings;
  }

  /** Where the duration of every successful start is reported from now on. */
  public void reportStartTimesTo(java.util.function.Consumer<java.time.Duration> listener) {
    this.startTimes = listener;
  }

  /** Creates, attaches and starts a container for the runtime; the launcher then waits. */
  public SandboxContainer start(Runtime runtime, String poolKey, ContainerLimits limits) {
    long began = System.nanoTime();
    String id = engine.create(spec(runtime, limits));
    StdinFeed stdin = new StdinFeed();
    SandboxContainer container = new SandboxContainer(id, poolKey, limits, stdin);
    try {
      ContainerEngine.Attachment attachment = engine.attach(id, stdin, container.output());
      container.attachment(attachment);
      if (!attachment.awaitStarted(ATTACH_TIMEOUT)) {
        // Without the attach stream the job could never be sent: fail now, not at a timeout.
        throw new IllegalStateException(
            "could not attach to sandbox " + id + " within " + ATTACH_TIMEOUT.toSeconds() + " s");
      }
      engine.start(id);
      long pid = engine.inspect(id).pid();
      ResourceMeter meter = CgroupMeter.forContainer(settings.cgroupRoot(), id, pid);
      if (meter == ResourceMeter.NONE) {
        LOG.warn(
            "sandbox {} (pid {}): no cgroup found under {}; its jobs get no CPU or memory figures",
            id,
            pid,
            settings.cgroupRoot());
      }
      container.meter(meter);
      startTimes.accept(java.time.Duration.ofNanos(System.nanoTime() - began));
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

  private ContainerSpec spec(Runtime runtime, ContainerLimits limits) {
    ContainerSpec.Isolation isolation =
        new ContainerSpec.Isolation(
            true,
            List.of("no-new-privileges", "seccomp=" + SECCOMP_PROFILE),
            limits.memoryBytes(),
            limits.processes(),
            (long) (settings.cpus() * 1_000_000_000L),
            OOM_SCORE_ADJ,
            SHM_BYTES,
            Map.of("core", 0L, "nofile", OPEN_FILES),
            Map.of(
                "/work",
                tmpfs(settings.workDirMb(), "0700"),
                "/tmp",
                tmpfs(settings.tmpMb(), "1777")),
            settings.containerRuntime());
    List<String> env = new ArrayList<>();
    env.add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.add("HOME=/tmp");
    env.add("LANG=C.UTF-8");
    env.add("TMPDIR=/tmp");
    env.addAll(runtime.getEnvironmentList());
    return new ContainerSpec(
        runtime.getImage(),
        // The launcher re-executes itself from a copy of sh it cannot read; it gets its own
        // text as $1 for that (see launcher.sh).
        List.of("/bin/sh", "-c", LAUNCHER, "gozo-boot", LAUNCHER),
        settings.user(),
        "/work",
        env,
        Map.of(
            OWNER_LABEL, settings.ownerId(),
            ROLE_LABEL, "sandbox",
            RUNTIME_LABEL, runtime.getLanguage()),
        true,
        isolation);
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
  public void remove(String id) {
    engine.remove(id);
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
