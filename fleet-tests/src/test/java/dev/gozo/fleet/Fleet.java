package dev.gozo.fleet;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * GozoLite as deploy/docker-compose.yml runs it, in containers on a private network: one Kafka
 * broker (alias {@code kafka}), one gateway and any number of workers, each worker with the host's
 * Docker socket and cgroup tree, as an unprivileged user with a read-only root file system and no
 * capabilities. Ports are published on 127.0.0.1 only. Everything it starts, including the
 * sandboxes of its workers, is removed by {@link #close()}.
 */
final class Fleet implements AutoCloseable {

  static final String SANDBOX_ROLE_LABEL = "dev.gozo.role";
  static final String SANDBOX_OWNER_LABEL = "dev.gozo.owner";
  private static final String DOCKER_SOCKET = "/var/run/docker.sock";
  private static final Duration STARTUP = Duration.ofMinutes(2);
  private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

  private final DockerClient docker;
  private final Path logDir;
  private final Network network = Network.newNetwork();
  private final List<GenericContainer<?>> containers = new ArrayList<>();
  private final Map<String, GenericContainer<?>> workers = new HashMap<>();
  private final Map<String, ContainerLog> logs = new HashMap<>();
  private final Set<String> workerIds = new LinkedHashSet<>();
  private final String socketGroup;
  private int kafkaExternalPort;
  private GenericContainer<?> gateway;

  Fleet(DockerClient docker, Path logDir) {
    this.docker = docker;
    this.logDir = logDir;
    this.socketGroup = socketGroup();
  }

  /**
   * The broker, with a second listener published on 127.0.0.1 so the test can read the results
   * topic directly. Returns when the topics exist.
   */
  void startKafka() {
    kafkaExternalPort = freeLocalPort();
    ExposedPort external = ExposedPort.tcp(9094);
    GenericContainer<?> kafka =
        new GenericContainer<>(DockerImageName.parse(FleetImages.KAFKA))
            .withNetwork(network)
            .withNetworkAliases("kafka")
            .withEnv("KAFKA_ADVERTISED_HOST", "kafka")
            .withEnv("KAFKA_EXTERNAL_ADVERTISED", "127.0.0.1:" + kafkaExternalPort)
            // Read-only root as in compose; the data lives in memory for the test's few minutes.
            .withTmpFs(
                Map.of("/tmp", "rw,size=64m", "/var/lib/kafka", "rw,size=512m,uid=10002,gid=10002"))
            .withLogConsumer(log("kafka"))
            .withCreateContainerCmdModifier(
                cmd -> {
                  cmd.withExposedPorts(external);
                  harden(cmd.getHostConfig())
                      .withPortBindings(
                          new PortBinding(
                              Ports.Binding.bindIpAndPort("127.0.0.1", kafkaExternalPort),
                              external));
                })
            .waitingFor(
                Wait.forLogMessage(".*gozo-kafka: ready.*\\n", 1).withStartupTimeout(STARTUP));
    start(List.of(kafka));
  }

  /** The bootstrap address of the broker's published listener. */
  String kafkaBootstrapFromHost() {
    return "127.0.0.1:" + kafkaExternalPort;
  }

  /** A gateway, not started yet; start it together with the first workers. */
  GenericContainer<?> gateway(String apiKeys) {
    gateway =
        new GenericContainer<>(DockerImageName.parse(FleetImages.GATEWAY))
            .withNetwork(network)
            .withEnv("GOZO_API_KEYS", apiKeys)
            .withEnv("GOZO_KAFKA_BOOTSTRAP", "kafka:9092")
            .withExposedPorts(8080)
            .withTmpFs(Map.of("/tmp", "rw,size=64m"))
            .withLogConsumer(log("gateway"))
            .withCreateContainerCmdModifier(
                cmd ->
                    harden(cmd.getHostConfig())
                        .withPortBindings(
                            new PortBinding(
                                Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(8080))))
            .waitingFor(Wait.forHttp("/health").forStatusCode(200).withStartupTimeout(STARTUP));
    return gateway;
  }

  /** http://127.0.0.1:PORT of the started gateway. */
  String gatewayUrl() {
    return "http://127.0.0.1:" + gateway.getMappedPort(8080);
  }

  /**
   * A worker, not started yet. A worker created with the id of an earlier one is that worker's next
   * life (like a restarted container): at start it removes the sandboxes the earlier one left.
   */
  GenericContainer<?> worker(String workerId, Map<String, String> env) {
    workerIds.add(workerId);
    GenericContainer<?> worker =
        new GenericContainer<>(DockerImageName.parse(FleetImages.WORKER))
            .withNetwork(network)
            .withEnv("GOZO_WORKER_ID", workerId)
            .withEnv("GOZO_KAFKA_BOOTSTRAP", "kafka:9092")
            .withEnv("GOZO_CGROUP_ROOT", "/host/cgroup")
            .withEnv(env)
            .withFileSystemBind(DOCKER_SOCKET, DOCKER_SOCKET, BindMode.READ_WRITE)
            .withFileSystemBind("/sys/fs/cgroup", "/host/cgroup", BindMode.READ_ONLY)
            .withTmpFs(Map.of("/tmp", "rw,size=64m"))
            .withLogConsumer(log(workerId))
            .withCreateContainerCmdModifier(
                cmd -> harden(cmd.getHostConfig()).withGroupAdd(List.of(socketGroup)))
            .waitingFor(
                Wait.forLogMessage(".*WorkerMain - worker " + workerId + " started.*\\n", 1)
                    .withStartupTimeout(STARTUP));
    workers.put(workerId, worker);
    return worker;
  }

  /** Starts the given containers side by side and waits until each is ready. */
  void start(Collection<GenericContainer<?>> toStart) {
    containers.addAll(toStart);
    Startables.deepStart(toStart).join();
  }

  /** `docker stop`: SIGTERM, then SIGKILL after the timeout. Blocks until the worker exited. */
  void stop(String workerId, Duration timeout) {
    docker
        .stopContainerCmd(workers.get(workerId).getContainerId())
        .withTimeout((int) timeout.toSeconds())
        .exec();
  }

  /** `docker kill`: SIGKILL, no chance to clean up. */
  void kill(String workerId) {
    docker.killContainerCmd(workers.get(workerId).getContainerId()).exec();
  }

  /** What the worker's containers (all its lives) printed so far. */
  String logOf(String workerId) {
    return logs.get(workerId).text();
  }

  /** Sandbox containers, in any state, created by the workers of this fleet. */
  List<Container> sandboxesOfThisFleet() {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(SANDBOX_ROLE_LABEL, "sandbox"))
        .exec()
        .stream()
        .filter(c -> workerIds.contains(c.getLabels().get(SANDBOX_OWNER_LABEL)))
        .toList();
  }

  List<Container> sandboxesOf(String workerId) {
    return sandboxesOfThisFleet().stream()
        .filter(c -> workerId.equals(c.getLabels().get(SANDBOX_OWNER_LABEL)))
        .toList();
  }

  /** Removes every container and the network; safe to call twice. */
  @Override
  public void close() {
    for (GenericContainer<?> container : containers) {
      try {
        container.stop();
      } catch (RuntimeException e) {
        LOG.warn("removing {} failed: {}", container.getContainerName(), e.toString());
      }
    }
    containers.clear();
    for (Container sandbox : sandboxesOfThisFleet()) {
      LOG.info(
          "removing leftover sandbox {} of {}",
          sandbox.getId(),
          sandbox.getLabels().get(SANDBOX_OWNER_LABEL));
      try {
        docker.removeContainerCmd(sandbox.getId()).withForce(true).withRemoveVolumes(true).exec();
      } catch (RuntimeException e) {
        LOG.warn("removing sandbox {} failed: {}", sandbox.getId(), e.toString());
      }
    }
    try {
      network.close();
    } catch (RuntimeException e) {
      LOG.warn("removing the network failed: {}", e.toString());
    }
  }

  private ContainerLog log(String name) {
    return logs.computeIfAbsent(name, n -> new ContainerLog(logDir, n));
  }

  /** As in deploy/docker-compose.yml: read-only root, no capabilities, no privilege gain. */
  private static HostConfig harden(HostConfig host) {
    return host.withReadonlyRootfs(true)
        .withCapDrop(Capability.ALL)
        .withSecurityOpts(List.of("no-new-privileges:true"));
  }

  /** The gid owning the Docker socket, which the unprivileged worker user joins. */
  private static String socketGroup() {
    Path socket = Path.of(DOCKER_SOCKET);
    if (!Files.exists(socket)) {
      throw new IllegalStateException(
          DOCKER_SOCKET + " does not exist: the fleet test needs a local Docker engine");
    }
    try {
      return Files.getAttribute(socket, "unix:gid").toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freeLocalPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
