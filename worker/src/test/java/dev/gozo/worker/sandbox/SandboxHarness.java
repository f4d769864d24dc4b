package dev.gozo.worker.sandbox;

import com.github.dockerjava.api.DockerClient;
import dev.gozo.jobspec.EffectiveLimits;
import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.Runtime;
import dev.gozo.worker.engine.ContainerEngine;
import dev.gozo.worker.engine.DockerClients;
import dev.gozo.worker.engine.DockerEngine;
import dev.gozo.worker.sandbox.container.ContainerFactory;
import dev.gozo.worker.sandbox.ownership.OwnerLease;
import dev.gozo.worker.sandbox.ownership.TestOwnership;
import dev.gozo.worker.sandbox.recycling.RecyclePolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds jobs for sandbox tests and owns the real Docker clients they use. */
final class SandboxHarness implements AutoCloseable {

  static final String DOCKER_HOST =
      System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");

  final RuntimeCatalogue catalogue = RuntimeCatalogue.bundled();
  final DockerClient api = DockerClients.api(DOCKER_HOST, 32, Duration.ofSeconds(30));
  final DockerClient streams = DockerClients.streams(DOCKER_HOST, 1024);
  final ContainerEngine engine = new DockerEngine(api, streams);
  final String owner;
  // Held like a worker holds it, so that a worker sharing this engine leaves our sandboxes alone.
  final OwnerLease lease;
  final DockerSandbox sandbox;

  SandboxHarness(int warm) {
    this(warm, RecyclePolicy.none());
  }

  SandboxHarness(int warm, RecyclePolicy recycling) {
    this(
        warm,
        recycling,
        "test-" + UUID.randomUUID().toString().substring(0, 8),
        Duration.ofMinutes(1));
  }

  /** A harness that is worker OWNER, its lease renewed for LEASE_TTL at a time. */
  SandboxHarness(int warm, String owner, Duration leaseTtl) {
    this(warm, RecyclePolicy.none(), owner, leaseTtl);
  }

  private SandboxHarness(int warm, RecyclePolicy recycling, String owner, Duration leaseTtl) {
    this.owner = owner;
    lease = OwnerLease.hold(engine, owner, leaseTtl);
    sandbox =
        new DockerSandbox(
            engine, SandboxSettings.defaults(owner).withWarmPerRuntime(warm), recycling);
  }

  JobBuilder job(String language) {
    return new JobBuilder(catalogue.resolve(language, "").orElseThrow());
  }

  /** The sandboxes of this test in any state (its lease is not one). */
  List<com.github.dockerjava.api.model.Container> containersOfThisTest() {
    return api.listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(
            Map.of(ContainerFactory.OWNER_LABEL, owner, ContainerFactory.ROLE_LABEL, "sandbox"))
        .exec();
  }

  /**
   * The sweep the next life of this harness's worker makes at its start, limited to this harness's
   * own containers: other tests share the engine. Returns how many it removed.
   */
  int sweepAsNextLife() {
    return TestOwnership.sweep(engine, owner, true, Duration.ofDays(1), owner::equals);
  }

  @Override
  public void close() {
    sandbox.close();
    sweepAsNextLife();
    lease.close();
  }

  /**
   * Starts a container labelled as OWNER's sandbox the way ContainerFactory labels them (a shell
   * that sleeps, not a launcher): what a worker killed mid-job leaves behind.
   */
  static String startHandMadeSandbox(DockerClient api, String owner) {
    String id =
        api.createContainerCmd("gozo/runtime-bash:1")
            .withCmd("sleep", "300")
            .withLabels(
                Map.of(
                    ContainerFactory.OWNER_LABEL, owner,
                    ContainerFactory.ROLE_LABEL, "sandbox",
                    ContainerFactory.RUNTIME_LABEL, "bash"))
            .withHostConfig(
                com.github.dockerjava.api.model.HostConfig.newHostConfig()
                    .withNetworkMode("none")
                    .withInit(true)
                    .withCapDrop(com.github.dockerjava.api.model.Capability.ALL))
            .exec()
            .getId();
    api.startContainerCmd(id).exec();
    return id;
  }

  final class JobBuilder {
    private final Runtime runtime;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private byte[] stdin = new byte[0];
    private List<String> args = List.of();
    private String tenant = "test";
    private final Limits.Builder limits = Limits.newBuilder();
    private final Limits.Builder compileLimits = Limits.newBuilder();

    JobBuilder(Runtime runtime) {
      this.runtime = runtime;
    }

    JobBuilder file(String name, String content) {
      files.put(name, content.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    JobBuilder file(String name, byte[] content) {
      files.put(name, content);
      return this;
    }

    JobBuilder tenant(String name) {
      tenant = name;
      return this;
    }

    JobBuilder stdin(String input) {
      stdin = input.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    JobBuilder args(String... values) {
      args = List.of(values);
      return this;
    }

    JobBuilder wallMs(long ms) {
      limits.setWallTimeMs(ms);
      return this;
    }

    JobBuilder cpuMs(long ms) {
      limits.setCpuTimeMs(ms);
      return this;
    }

    JobBuilder memoryMb(int mb) {
      limits.setMemoryMb(mb);
      return this;
    }

    JobBuilder processes(int count) {
      limits.setProcesses(count);
      return this;
    }

    JobBuilder outputBytes(long bytes) {
      limits.setOutputBytes(bytes);
      return this;
    }

    /**
     * Tightens the compile step's limits below the catalogue's, only to keep tests short: the
     * worker itself always compiles with the catalogue's compile limits.
     */
    JobBuilder compileLimits(long wallMs, long cpuMs, int memoryMb) {
      compileLimits.setWallTimeMs(wallMs).setCpuTimeMs(cpuMs).setMemoryMb(memoryMb);
      return this;
    }

    SandboxJob build() {
      return new SandboxJob(
          "it-" + UUID.randomUUID(),
          tenant,
          runtime,
          files,
          stdin,
          args,
          EffectiveLimits.resolve(
              compileLimits.build(), runtime.getCompileLimits(), catalogue.maxCompileLimits()),
          EffectiveLimits.resolve(limits.build(), runtime.getRunLimits(), catalogue.maxLimits()));
    }

    Outcome run() {
      return sandbox.run(build());
    }
  }

  /**
   * Processes on this host (seen from the host's /proc) that live in the container whose id starts
   * with {@code containerIdPrefix}, e.g. the HOSTNAME a job printed. Empty once the container and
   * everything it started are gone.
   */
  static List<String> hostProcessesOfContainer(String containerIdPrefix) {
    List<String> found = new java.util.ArrayList<>();
    java.io.File[] entries = new java.io.File("/proc").listFiles();
    if (entries == null) {
      return found;
    }
    for (java.io.File entry : entries) {
      if (!entry.getName().chars().allMatch(Character::isDigit)) {
        continue;
      }
      try {
        String cgroup = java.nio.file.Files.readString(entry.toPath().resolve("cgroup"));
        if (cgroup.contains("docker/" + containerIdPrefix)) {
          byte[] cmdline = java.nio.file.Files.readAllBytes(entry.toPath().resolve("cmdline"));
          found.add(
              entry.getName()
                  + " "
                  + new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' '));
        }
      } catch (java.io.IOException | RuntimeException e) {
        // the process ended while we looked: exactly what we hope for
      }
    }
    return found;
  }

  static String stdout(Outcome outcome) {
    return new String(outcome.run().stdout(), StandardCharsets.UTF_8);
  }

  static String stderr(Outcome outcome) {
    return new String(outcome.run().stderr(), StandardCharsets.UTF_8);
  }
}
