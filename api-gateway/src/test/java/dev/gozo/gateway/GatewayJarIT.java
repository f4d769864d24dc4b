package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar as an operator runs it: {@code java -jar api-gateway.jar} configured only by
 * GOZO_* environment variables, on the default topics (gozo.jobs, gozo.events, gozo.results) that
 * scripts/test creates. The job it publishes may be run by a worker sharing the broker; that is
 * harmless and not asserted on.
 */
class GatewayJarIT {

  private static final Path JAR = Path.of("target", "api-gateway.jar");
  private static String bootstrap;

  @BeforeAll
  static void start() {
    bootstrap = KafkaFixture.bootstrap();
  }

  @Test
  void shouldStartFromEnvironmentVariablesAndServe() throws Exception {
    // given
    int port = freePort();
    Map<String, String> env =
        Map.of(
            "GOZO_HTTP_PORT",
            String.valueOf(port),
            "GOZO_HTTP_HOST",
            "127.0.0.1",
            "GOZO_API_KEYS",
            "acme:jar-key-1,globex:jar-key-2",
            "GOZO_KAFKA_BOOTSTRAP",
            bootstrap);
    Process gateway = launch(env, "jar-it.log");
    try (TopicTail jobs = new TopicTail(bootstrap, "gozo.jobs")) {
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + port);

      // when it is up
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () ->
                  send(http, HttpRequest.newBuilder(base.resolve("/health")).build()).statusCode()
                      == 200);

      // then it takes a job onto gozo.jobs, for the key's tenant
      HttpResponse<String> accepted =
          send(
              http,
              HttpRequest.newBuilder(base.resolve("/v1/executions"))
                  .header("Authorization", "Bearer jar-key-2")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(GatewayKafkaIT.JOB))
                  .build());
      assertThat(accepted.statusCode()).isEqualTo(202);
      String id = (String) Json.object(accepted.body()).get("id");
      assertThat(jobs.awaitJob(id).getTenant()).isEqualTo("globex");

      long rssKb = rssKb(gateway.pid());
      System.out.printf("RSS of the running gateway (default JVM flags): %d MiB%n", rssKb / 1024);
      assertThat(rssKb).isLessThan(512 * 1024);

      // and it stops cleanly on SIGTERM
      gateway.destroy();
      assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      gateway.destroyForcibly();
    }
  }

  @Test
  void shouldRefuseToStartWithoutApiKeys() throws Exception {
    Map<String, String> env =
        Map.of(
            "GOZO_HTTP_PORT",
            String.valueOf(freePort()),
            "GOZO_HTTP_HOST",
            "127.0.0.1",
            "GOZO_API_KEYS",
            "",
            "GOZO_KAFKA_BOOTSTRAP",
            bootstrap);
    Process gateway = launch(env, "jar-it-no-keys.log");
    try {
      assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(gateway.exitValue()).isNotZero();
      assertThat(Files.readString(Path.of("target", "jar-it-no-keys.log")))
          .contains("GOZO_API_KEYS is empty");
    } finally {
      gateway.destroyForcibly();
    }
  }

  private static Process launch(Map<String, String> env, String logName) throws IOException {
    assertThat(JAR).as("run `mvn package` first").exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar", JAR.toString()));
    builder.environment().keySet().removeIf(name -> name.startsWith("GOZO_"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(Path.of("target", logName).toFile());
    return builder.start();
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for " + pid);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
