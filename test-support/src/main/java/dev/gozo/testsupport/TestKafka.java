package dev.gozo.testsupport;

import dev.gozo.topics.TopicAdmin;
import dev.gozo.topics.Topics;
import dev.gozo.topics.Topics.TopicSpec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The one Kafka broker of a test JVM, shared by every integration test in it: the broker named by
 * GOZO_TEST_KAFKA_BOOTSTRAP when that is set (scripts/test may start one for the whole suite), else
 * the locally built {@value #IMAGE} image (deploy/kafka; scripts/images-services or the fleet tests
 * build it), started by Testcontainers on first use and removed when the JVM exits. Either way the
 * production topics exist ({@link Topics#DEFAULT}), and each test class asks for {@link
 * #freshTopics} of its own, so classes never see each other's records.
 */
public final class TestKafka {

  public static final String BOOTSTRAP_VARIABLE = "GOZO_TEST_KAFKA_BOOTSTRAP";
  public static final String IMAGE = "gozo/kafka:4.4.0";

  private static final Duration STARTUP = Duration.ofMinutes(2);
  private static String bootstrap;

  private TestKafka() {}

  /** The broker's address, starting it on first use. */
  public static synchronized String bootstrap() {
    if (bootstrap == null) {
      String fromEnv = System.getenv(BOOTSTRAP_VARIABLE);
      bootstrap = fromEnv != null && !fromEnv.isBlank() ? fromEnv : startContainer();
      ensure(Topics.DEFAULT.specs());
    }
    return bootstrap;
  }

  /**
   * Topics of a test class's own, named PREFIX.jobs, PREFIX.events, PREFIX.results with the share
   * group PREFIX-workers, created as {@link Topics} defines them, with the group set as the workers
   * set it, plus {@code extraConfigs} by role ("jobs", "events", "results"). Tests delete them with
   * {@link #delete}.
   */
  public static Topics freshTopics(
      String prefixStem, Map<String, Map<String, String>> extraConfigs) {
    Topics topics =
        Topics.withPrefix(prefixStem + "-" + UUID.randomUUID().toString().substring(0, 8));
    List<TopicSpec> specs =
        topics.specs().stream()
            .map(
                spec -> {
                  TopicSpec with = spec;
                  for (var config :
                      extraConfigs.getOrDefault(role(spec.name()), Map.of()).entrySet()) {
                    with = with.withConfig(config.getKey(), config.getValue());
                  }
                  return with;
                })
            .toList();
    ensure(specs);
    try (TopicAdmin admin = new TopicAdmin(bootstrap())) {
      admin
          .configureShareGroup(topics.shareGroup(), Topics.shareGroupSettings(Topics.LOCK_DURATION))
          .ifPresent(
              problem -> {
                throw new IllegalStateException(problem);
              });
    }
    return topics;
  }

  /** Deletes a test class's topics; leftovers only cost disk on a test broker. */
  public static void delete(Topics topics) {
    try (TopicAdmin admin = new TopicAdmin(bootstrap())) {
      admin.delete(topics.allNames());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String role(String topic) {
    return topic.substring(topic.lastIndexOf('.') + 1);
  }

  private static void ensure(List<TopicSpec> specs) {
    try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
      admin.ensure(specs);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not create test topics on " + bootstrap, e);
    }
  }

  private static String startContainer() {
    int port = freeLocalPort();
    @SuppressWarnings("resource") // stopped by the shutdown hook below
    GenericContainer<?> kafka =
        new GenericContainer<>(DockerImageName.parse(IMAGE))
            .withEnv("KAFKA_EXTERNAL_ADVERTISED", "127.0.0.1:" + port)
            .withTmpFs(
                Map.of("/tmp", "rw,size=64m", "/var/lib/kafka", "rw,size=512m,uid=10002,gid=10002"))
            .withCreateContainerCmdModifier(
                cmd ->
                    cmd.getHostConfig()
                        .withPortBindings(
                            com.github.dockerjava.api.model.PortBinding.parse(
                                "127.0.0.1:" + port + ":9094")))
            .waitingFor(
                Wait.forLogMessage(".*gozo-kafka: ready.*\\n", 1).withStartupTimeout(STARTUP));
    try {
      kafka.start();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "could not start "
              + IMAGE
              + " (build it with scripts/images-services, or set "
              + BOOTSTRAP_VARIABLE
              + " to a broker on this machine)",
          e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "test-kafka-stop"));
    return "127.0.0.1:" + port;
  }

  private static int freeLocalPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
