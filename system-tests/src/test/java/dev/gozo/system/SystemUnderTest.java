package dev.gozo.system;

import dev.gozo.topics.TopicAdmin;
import dev.gozo.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole system as real processes: one Kafka broker (scripts/kafka-broker), any number of worker
 * JVMs (worker/target/worker.jar) and gateway JVMs (api-gateway/target/api-gateway.jar). Each test
 * class gets fresh ports, a fresh broker data directory and its own worker ids.
 */
final class SystemUnderTest implements AutoCloseable {

  static final String API_KEY = "fault-key-" + UUID.randomUUID().toString().substring(0, 8);
  static final String TENANT = "faults";

  /** A second tenant, for tests that one tenant cannot see or touch another's jobs. */
  static final String OTHER_API_KEY = "other-key-" + UUID.randomUUID().toString().substring(0, 8);

  static final String OTHER_TENANT = "others";

  final Path workDir;
  final int kafkaPort = freePort();
  final int controllerPort = freePort();
  final String prefix = "sys-" + UUID.randomUUID().toString().substring(0, 6);
  private final List<ManagedProcess> processes = new ArrayList<>();
  private ManagedProcess broker;

  SystemUnderTest() {
    try {
      workDir = Files.createTempDirectory("gozo-system-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path repoRoot() {
    String fromEnv = System.getenv("GOZO_REPO_ROOT");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("scripts/kafka-broker"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (set GOZO_REPO_ROOT)");
    }
    return dir;
  }

  String bootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  /** Starts the broker (formatting a fresh data dir the first time) and waits for it. */
  void startBroker() {
    if (broker == null) {
      broker =
          ManagedProcess.start(
              "kafka",
              List.of(
                  "bash",
                  "scripts/kafka-broker",
                  workDir.resolve("kafka").toString(),
                  Integer.toString(kafkaPort),
                  Integer.toString(controllerPort)),
              Map.of(),
              workDir);
      processes.add(broker);
    } else {
      broker.start();
    }
    awaitPort(kafkaPort, Duration.ofSeconds(90), broker);
  }

  void stopBroker() {
    broker.terminate(Duration.ofSeconds(30));
  }

  /** A process of the test's own (a Prometheus, say), stopped with the system. */
  void track(ManagedProcess process) {
    processes.add(process);
  }

  /** Starts the broker again when a test stopped it (and did not get to restart it). */
  void ensureBrokerRunning() {
    if (broker == null || !broker.alive()) {
      startBroker();
    }
  }

  /**
   * Stops every worker started so far that still runs (gracefully, then by force), so that no
   * worker of one test takes the jobs of the next.
   */
  void stopWorkers() {
    for (ManagedProcess process : List.copyOf(processes)) {
      if (process.name().startsWith("worker-") && process.alive()) {
        process.close();
      }
    }
  }

  /** The production topics, as {@link Topics#DEFAULT} defines them (the one definition). */
  void createTopics() {
    try (TopicAdmin admin = new TopicAdmin(bootstrap())) {
      admin.ensure(Topics.DEFAULT.specs());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topics", e);
    }
  }

  ManagedProcess startWorker(String id, Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>();
    env.put("GOZO_KAFKA_BOOTSTRAP", bootstrap());
    env.put("GOZO_WORKER_ID", prefix + "-" + id);
    env.put("GOZO_WORKER_CONCURRENCY", "2");
    env.put("GOZO_LOCK_DURATION_MS", "15000");
    env.put("GOZO_SHUTDOWN_GRACE_MS", "20000");
    env.put("GOZO_WARM_PER_RUNTIME", "1");
    env.put("GOZO_WARM_LANGUAGES", "python,javascript,bash,c,cpp,java");
    // Several workers share this host: each gets its own /health port.
    env.put("GOZO_HEALTH_PORT", Integer.toString(freePort()));
    env.putAll(extraEnv);
    ManagedProcess worker =
        ManagedProcess.start(
            "worker-" + id, // stopWorkers() knows workers by this prefix
            List.of(
                "java", "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar("worker/target/worker.jar")),
            env,
            workDir);
    processes.add(worker);
    return worker;
  }

  GatewayClient startGateway(String id) {
    return startGateway(id, Map.of());
  }

  GatewayClient startGateway(String id, Map<String, String> extraEnv) {
    int port = freePort();
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("GOZO_KAFKA_BOOTSTRAP", bootstrap());
    env.put("GOZO_HTTP_PORT", Integer.toString(port));
    env.put("GOZO_API_KEYS", TENANT + ":" + API_KEY + "," + OTHER_TENANT + ":" + OTHER_API_KEY);
    ManagedProcess gateway =
        ManagedProcess.start(
            "gateway-" + id,
            List.of(
                "java",
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-jar",
                jar("api-gateway/target/api-gateway.jar")),
            env,
            workDir);
    processes.add(gateway);
    GatewayClient client = new GatewayClient(port, API_KEY, gateway);
    client.awaitHealthy(Duration.ofSeconds(90));
    return client;
  }

  private static String jar(String relative) {
    Path jar = repoRoot().resolve(relative);
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build with mvn package first");
    }
    return jar.toString();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void awaitPort(int port, Duration timeout, ManagedProcess owner) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        if (!owner.alive()) {
          throw new IllegalStateException(owner.name() + " died:\n" + owner.log());
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException interrupted) {
          // Not "open": a caller that went on would use a port nobody saw open.
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for port " + port, interrupted);
        }
      }
    }
    throw new IllegalStateException(
        owner.name() + " did not open port " + port + ":\n" + owner.log());
  }

  @Override
  public void close() {
    // Workers first (they remove their containers), the broker last.
    for (int i = processes.size() - 1; i >= 0; i--) {
      if (processes.get(i) != broker) {
        processes.get(i).close();
      }
    }
    if (broker != null) {
      broker.close();
    }
    // A worker a test killed with -9 and never restarted leaves its sandboxes (its next life
    // would sweep them); the suite must not leave them to the machine.
    Docker.removeContainersOfOwnersStartingWith(prefix + "-");
    deleteRecursively(workDir);
  }

  /** Nothing of ours stays behind: broker data, logs and sockets all live in workDir. */
  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir the OS cleans eventually
    }
  }
}
