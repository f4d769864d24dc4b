package dev.gozo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Piston's API v2 through the real system (broker, gateway, a worker running real containers): the
 * npm {@code piston-client} 1.0.2, unchanged, runs hello world, stdin and a compile error against
 * the gateway; and the Java side checks what that client does not use: interleaved output, a time
 * limit, a 400, and the {@code /api/v2/connect} WebSocket with stdin and SIGINT.
 *
 * <p>The client is installed by {@code scripts/test} into {@code GOZO_PISTON_CLIENT_DIR} (default
 * {@code .gozo/piston-client}); run alone, this test installs it there with npm. It sends no key
 * (it has no way to), so the gateway runs with {@code GOZO_PISTON_ANONYMOUS_TENANT}.
 */
class PistonApiIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String CLIENT_VERSION = "piston-client@1.0.2";

  private static SystemUnderTest system;
  private static GatewayClient gateway;

  @BeforeAll
  static void startSystem() {
    system = new SystemUnderTest();
    system.startBroker();
    system.createTopics();
    gateway =
        system.startGateway("piston", Map.of("GOZO_PISTON_ANONYMOUS_TENANT", "piston-anonymous"));
    system.startWorker("piston", Map.of());
  }

  @AfterAll
  static void stopSystem() {
    system.close();
  }

  @Test
  void shouldRunHelloWorldStdinAndACompileErrorThroughTheRealPistonClient() throws Exception {
    // when
    JsonNode got = runNodeClient();

    // then
    assertThat(got.get("runtimes").asInt()).isGreaterThan(40);
    JsonNode hello = got.get("hello");
    assertThat(hello.get("language").asText()).isEqualTo("python");
    assertThat(hello.get("run").get("stdout").asText()).isEqualTo("hello world\n");
    assertThat(hello.get("run").get("code").asInt()).isZero();
    assertThat(hello.get("run").get("status").isNull()).isTrue();
    assertThat(got.get("stdin").get("run").get("stdout").asText()).isEqualTo("ozog\n");
    JsonNode compileError = got.get("compileError");
    assertThat(compileError.get("compile").get("code").asInt()).isNotZero();
    assertThat(compileError.get("compile").get("status").asText()).isEqualTo("RE");
    assertThat(compileError.get("compile").get("stderr").asText()).contains("error");
    assertThat(compileError.get("run")).isEqualTo(compileError.get("compile"));
  }

  @Test
  void shouldInterleaveStdoutAndStderrForABodyWithoutContentType() throws Exception {
    // given a program that alternates between the streams
    String code =
        "import sys, time\\nprint('a', flush=True)\\ntime.sleep(0.3)\\n"
            + "print('b', file=sys.stderr, flush=True)\\ntime.sleep(0.3)\\nprint('c', flush=True)";

    // when
    HttpResponse<String> response =
        execute(
            "{\"language\": \"python\", \"version\": \"3.x\", \"files\": [{\"content\": \""
                + code
                + "\"}]}",
            null);

    // then
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode run = JSON.readTree(response.body()).get("run");
    assertThat(run.get("stdout").asText()).isEqualTo("a\nc\n");
    assertThat(run.get("stderr").asText()).isEqualTo("b\n");
    assertThat(run.get("output").asText()).isEqualTo("a\nb\nc\n");
    assertThat(run.get("wall_time").asLong()).isGreaterThanOrEqualTo(600);
    assertThat(run.get("memory").asLong()).isPositive();
  }

  @Test
  void shouldReportATimeLimitAsToWithSigkill() throws Exception {
    // when
    HttpResponse<String> response =
        execute(
            "{\"language\": \"python\", \"version\": \"*\", \"run_timeout\": 1000,"
                + " \"files\": [{\"content\": \"while True: pass\"}]}",
            "text/plain");

    // then
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode run = JSON.readTree(response.body()).get("run");
    assertThat(run.get("status").asText()).isEqualTo("TO");
    assertThat(run.get("signal").asText()).isEqualTo("SIGKILL");
    assertThat(run.get("code").isNull()).isTrue();
  }

  @Test
  void shouldAnswer400ForAnUnknownRuntime() throws Exception {
    // when
    HttpResponse<String> response =
        execute(
            "{\"language\": \"python\", \"version\": \"2.x\", \"files\": [{\"content\": \"1\"}]}",
            "application/json");

    // then
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).get("message").asText())
        .isEqualTo("python-2.x runtime is unknown");
  }

  @Test
  void shouldFeedStdinOverTheWebSocketAndCloseWith4999() throws Exception {
    // given
    PistonSocket socket = PistonSocket.connect(gateway);
    socket.send(
        "{\"type\": \"init\", \"language\": \"python\", \"version\": \"3.x\","
            + " \"files\": [{\"content\": \"print('hi', input())\"}]}");
    await().atMost(Duration.ofSeconds(30)).until(() -> socket.types().contains("runtime"));

    // when
    socket.send("{\"type\": \"data\", \"stream\": \"stdin\", \"data\": \"Ada\\n\"}");

    // then
    assertThat(socket.closeCode.get(60, TimeUnit.SECONDS)).isEqualTo(4999);
    assertThat(socket.stdout()).isEqualTo("hi Ada\n");
    JsonNode exit = socket.last();
    assertThat(exit.get("type").asText()).isEqualTo("exit");
    assertThat(exit.get("stage").asText()).isEqualTo("run");
    assertThat(exit.get("code").asInt()).isZero();
  }

  @Test
  void shouldInterruptAProgramWithSigintAndCloseWith4005ForAnUnknownSignal() throws Exception {
    // given a program that waits for a minute
    PistonSocket socket = PistonSocket.connect(gateway);
    socket.send(
        "{\"type\": \"init\", \"language\": \"python\", \"version\": \"*\","
            + " \"files\": [{\"content\": \"import time\\nprint('ready', flush=True)\\n"
            + "time.sleep(60)\"}]}");
    await().atMost(Duration.ofSeconds(30)).until(() -> socket.stdout().equals("ready\n"));

    // when
    socket.send("{\"type\": \"signal\", \"signal\": \"SIGINT\"}");

    // then the program ends long before its minute (Python turns SIGINT into KeyboardInterrupt)
    assertThat(socket.closeCode.get(20, TimeUnit.SECONDS)).isEqualTo(4999);
    assertThat(socket.last().get("type").asText()).isEqualTo("exit");
    assertThat(socket.stderr()).contains("KeyboardInterrupt");

    // and a signal our workers do not deliver closes the socket with 4005
    PistonSocket other = PistonSocket.connect(gateway);
    other.send(
        "{\"type\": \"init\", \"language\": \"python\", \"version\": \"*\","
            + " \"files\": [{\"content\": \"input()\"}]}");
    await().atMost(Duration.ofSeconds(30)).until(() -> other.types().contains("runtime"));
    other.send("{\"type\": \"signal\", \"signal\": \"SIGUSR1\"}");
    assertThat(other.closeCode.get(20, TimeUnit.SECONDS)).isEqualTo(4005);
  }

  private static HttpResponse<String> execute(String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(gateway.uri("/api/v2/execute"))
            .timeout(Duration.ofSeconds(90))
            .header("Authorization", "Bearer " + gateway.apiKey)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Runs src/test/node/piston/run.mjs with node against the gateway; its stdout as JSON. */
  private static JsonNode runNodeClient() throws Exception {
    Path clientDir = clientDir();
    Path script = SystemUnderTest.repoRoot().resolve("system-tests/src/test/node/piston/run.mjs");
    Process node =
        new ProcessBuilder(
                "node", script.toString(), clientDir.toString(), "http://127.0.0.1:" + gateway.port)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return node.getInputStream().readAllBytes();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(node.waitFor(180, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(node.exitValue()).isZero();
    String printed = new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    return JSON.readTree(printed);
  }

  /** Where piston-client is installed; installed there now when scripts/test did not do it. */
  private static Path clientDir() throws Exception {
    String fromEnv = System.getenv("GOZO_PISTON_CLIENT_DIR");
    Path dir =
        fromEnv != null && !fromEnv.isBlank()
            ? Path.of(fromEnv)
            : SystemUnderTest.repoRoot().resolve(".gozo/piston-client");
    if (!Files.exists(dir.resolve("node_modules/piston-client/index.js"))) {
      Files.createDirectories(dir);
      Process npm =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--prefix",
                  dir.toString(),
                  "--no-audit",
                  "--no-fund",
                  CLIENT_VERSION)
              .inheritIO()
              .start();
      assertThat(npm.waitFor(300, TimeUnit.SECONDS)).as("npm install finished").isTrue();
      assertThat(npm.exitValue()).as("npm install " + CLIENT_VERSION).isZero();
    }
    return dir;
  }

  /** A WebSocket client of /api/v2/connect: the messages as JSON and the close code. */
  private static final class PistonSocket implements WebSocket.Listener {

    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static PistonSocket connect(GatewayClient gateway) {
      URI http = gateway.uri("/api/v2/connect");
      PistonSocket client = new PistonSocket();
      client.socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .header("Authorization", "Bearer " + gateway.apiKey)
              .buildAsync(URI.create("ws" + http.toString().substring(4)), client)
              .orTimeout(10, TimeUnit.SECONDS)
              .join();
      return client;
    }

    void send(String text) {
      socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    List<String> types() {
      return messages.stream().map(m -> m.path("type").asText()).toList();
    }

    String stdout() {
      return stream("stdout");
    }

    String stderr() {
      return stream("stderr");
    }

    private String stream(String name) {
      StringBuilder text = new StringBuilder();
      messages.stream()
          .filter(m -> "data".equals(m.path("type").asText()))
          .filter(m -> name.equals(m.path("stream").asText()))
          .forEach(m -> text.append(m.path("data").asText()));
      return text.toString();
    }

    JsonNode last() {
      return messages.get(messages.size() - 1);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      synchronized (partial) {
        partial.append(data);
        if (last) {
          try {
            messages.add(JSON.readTree(partial.toString()));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
          partial.setLength(0);
        }
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeCode.completeExceptionally(error);
    }
  }
}
