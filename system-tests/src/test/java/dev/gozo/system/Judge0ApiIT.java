package dev.gozo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Judge0 CE API (issue 16) against the real system (broker, gateway, a worker running real
 * containers), as a Judge0 client uses it: X-Auth-Token, Judge0's language ids, every request
 * field, each status id reached by a real program, a batch of 20, base64 both ways with binary
 * output, callbacks PUT to an allowed host, and Judge0's 401, 404 and 422 answers.
 *
 * <p>Every status but 13 is reached here by a real program. 13 (Internal Error) is ours alone: a
 * sandbox that could not run, never something a submission can cause, so its mapping is pinned by
 * {@code Judge0StatusTest} instead.
 */
class Judge0ApiIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(120);

  private static final int PYTHON = 71;
  private static final int C = 50;
  private static final int BASH = 46;

  private static SystemUnderTest system;
  private static GatewayClient gateway;
  private static HttpServer receiver;
  private static final BlockingQueue<Received> callbacks = new LinkedBlockingQueue<>();

  private record Received(String method, String body) {}

  private record Reply(int status, JsonNode body) {}

  @BeforeAll
  static void startSystem() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/judge0-callback",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          callbacks.add(
              new Received(exchange.getRequestMethod(), new String(body, StandardCharsets.UTF_8)));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    system = new SystemUnderTest();
    system.startBroker();
    system.createTopics();
    gateway = system.startGateway("judge0", Map.of("GOZO_CALLBACK_ALLOWED_HOSTS", "127.0.0.1"));
    system.startWorker("judge0", Map.of());
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  // ---- the requests a Judge0 client sends

  private static ObjectNode submission(int languageId, String source) {
    return JSON.createObjectNode().put("language_id", languageId).put("source_code", source);
  }

  private static Reply send(String method, String path, String body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(gateway.uri("/judge0" + path)).timeout(Duration.ofSeconds(150));
    if (token != null) {
      request.header("X-Auth-Token", token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
      return new Reply(response.statusCode(), json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Reply post(String path, ObjectNode body) {
    return send("POST", path, body.toString(), SystemUnderTest.API_KEY);
  }

  private static Reply get(String path) {
    return send("GET", path, null, SystemUnderTest.API_KEY);
  }

  /** POST with wait=true: the finished submission, all fields. */
  private static JsonNode run(ObjectNode submission) {
    Reply reply = post("/submissions?wait=true&fields=*", submission);
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(201);
    assertThat(reply.body().get("status").get("id").asInt())
        .as("finished within the wait: " + reply.body())
        .isGreaterThan(2);
    return reply.body();
  }

  private static String submit(ObjectNode submission) {
    Reply reply = post("/submissions", submission);
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(201);
    return reply.body().get("token").asText();
  }

  private static JsonNode awaitFinished(String token, String query) {
    List<JsonNode> last = new ArrayList<>(1);
    await()
        .atMost(RESULT_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              Reply reply = get("/submissions/" + token + "?fields=*" + query);
              assertThat(reply.status()).isEqualTo(200);
              assertThat(reply.body().get("status").get("id").asInt()).isGreaterThan(2);
              last.clear();
              last.add(reply.body());
            });
    return last.get(0);
  }

  private static int statusOf(JsonNode result) {
    return result.get("status").get("id").asInt();
  }

  // ---- statuses, each reached by a real program

  @Test
  void shouldAcceptACorrectAnswerAndShowEveryResultField() {
    ObjectNode request =
        submission(PYTHON, "import sys\nprint(input().upper())\nprint('warn', file=sys.stderr)")
            .put("stdin", "hello")
            .put("expected_output", "HELLO  \n\n");

    JsonNode result = run(request);

    assertThat(statusOf(result)).as(result.toString()).isEqualTo(3);
    assertThat(result.get("status").get("description").asText()).isEqualTo("Accepted");
    assertThat(result.get("stdout").asText()).isEqualTo("HELLO\n");
    assertThat(result.get("stderr").asText()).isEqualTo("warn\n");
    assertThat(result.get("compile_output").isNull()).isTrue();
    assertThat(result.get("exit_code").asInt()).isZero();
    assertThat(result.get("exit_signal").isNull()).isTrue();
    assertThat(result.get("time").asText()).matches("\\d+\\.\\d{3}");
    assertThat(result.get("wall_time").asText()).matches("\\d+\\.\\d{3}");
    assertThat(result.get("memory").asLong()).isPositive();
    assertThat(result.get("language_id").asInt()).isEqualTo(PYTHON);
    assertThat(result.get("language").get("name").asText()).startsWith("Python (3.");
    assertThat(result.get("source_code").asText()).contains("upper");
    Instant created = Instant.parse(result.get("created_at").asText());
    Instant finished = Instant.parse(result.get("finished_at").asText());
    assertThat(finished).isAfterOrEqualTo(created);
    Set<String> names = new HashSet<>();
    result.fieldNames().forEachRemaining(names::add);
    assertThat(names).contains("token", "stdin", "expected_output", "status_id", "message");
  }

  @Test
  void shouldAnswerWrongAnswerWithTheProgramsOutput() {
    JsonNode result = run(submission(PYTHON, "print(41)").put("expected_output", "42"));

    assertThat(statusOf(result)).isEqualTo(4);
    assertThat(result.get("stdout").asText()).isEqualTo("41\n");
  }

  @Test
  void shouldAnswerTimeLimitExceededAtTheCpuTimeLimit() {
    JsonNode result = run(submission(PYTHON, "while True:\n    pass").put("cpu_time_limit", 0.5));

    assertThat(statusOf(result)).isEqualTo(5);
    assertThat(Double.parseDouble(result.get("time").asText())).isLessThan(3.0);
  }

  @Test
  void shouldAnswerCompilationErrorWithTheCompilersOutput() {
    JsonNode result = run(submission(C, "int main( { return 0 }"));

    assertThat(statusOf(result)).isEqualTo(6);
    assertThat(result.get("compile_output").asText()).contains("error");
    assertThat(result.get("stdout").isNull()).isTrue();
  }

  @Test
  void shouldNameTheSignalThatEndedAProgram() {
    String segv = "int main(void) { volatile int *p = 0; return *p; }";
    // The divisor comes from argc (1 without arguments): GCC -O2 folds a division by a zero it
    // can see, even a volatile one, into no trap at all.
    String fpe =
        "#include <stdio.h>\nint main(int argc, char **argv) { printf(\"%d\", argc / (argc - 1)); }";
    String abrt = "#include <stdlib.h>\nint main(void) { abort(); }";
    String other = "#include <signal.h>\nint main(void) { raise(SIGTERM); return 0; }";

    Map<String, Integer> expected = Map.of(segv, 7, fpe, 9, abrt, 10, other, 12);
    Map<String, Integer> signals = Map.of(segv, 11, fpe, 8, abrt, 6, other, 15);
    Map<String, String> tokens = new java.util.HashMap<>();
    expected.keySet().forEach(code -> tokens.put(code, submit(submission(C, code))));

    tokens.forEach(
        (code, token) -> {
          JsonNode result = awaitFinished(token, "");
          assertThat(statusOf(result)).as(result.toString()).isEqualTo(expected.get(code));
          assertThat(result.get("exit_signal").asInt()).isEqualTo(signals.get(code));
          assertThat(result.get("exit_code").isNull()).isTrue();
        });
  }

  @Test
  void shouldAnswerNzecWithTheExitCode() {
    JsonNode result = run(submission(C, "#include <stdlib.h>\nint main(void) { exit(3); }"));

    assertThat(statusOf(result)).isEqualTo(11);
    assertThat(result.get("exit_code").asInt()).isEqualTo(3);
  }

  @Test
  void shouldAnswerSigxfszPastMaxFileSize() {
    // Judge0's stdout is a file limited by max_file_size: writing past it is SIGXFSZ. Ours is the
    // output limit, which max_file_size sets (in KB).
    JsonNode result = run(submission(PYTHON, "print('x' * 100000)").put("max_file_size", 4));

    assertThat(statusOf(result)).as(result.toString()).isEqualTo(8);
  }

  @Test
  void shouldAnswerExecFormatErrorForAFileTheKernelCannotRun() {
    JsonNode result =
        run(
            submission(
                BASH,
                "printf '\\177ELF\\002\\001\\001\\000\\000\\000' > /tmp/bad && chmod +x /tmp/bad"
                    + " && exec /tmp/bad"));

    assertThat(statusOf(result)).as(result.toString()).isEqualTo(14);
  }

  @Test
  void shouldShowInQueueAndProcessingWhileTheJobWaitsAndRuns() {
    // The worker runs two jobs at once: the third of three long jobs waits in the queue.
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tokens.add(submit(submission(BASH, "sleep 4; echo done")));
    }
    Set<Integer> seen = new HashSet<>();
    String last = tokens.get(2);
    await()
        .atMost(RESULT_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              int id =
                  get("/submissions/" + last + "?fields=status_id").body().get("status_id").asInt();
              seen.add(id);
              return id == 3;
            });
    assertThat(seen).contains(1, 2, 3);
  }

  // ---- request fields

  @Test
  void shouldPassArgumentsLimitsAndRedirectStderr() {
    ObjectNode request =
        submission(PYTHON, "import sys\nprint(sys.argv[1:])\nprint('err', file=sys.stderr)")
            .put("command_line_arguments", "one 'two three' \"four\\\"\" $(id)")
            .put("redirect_stderr_to_stdout", true)
            .put("wall_time_limit", 5)
            .put("memory_limit", 128000)
            .put("max_processes_and_or_threads", 16);

    JsonNode result = run(request);

    assertThat(statusOf(result)).as(result.toString()).isEqualTo(3);
    assertThat(result.get("stdout").asText())
        .isEqualTo("['one', 'two three', 'four\"', '$(id)']\nerr\n");
    assertThat(result.get("stderr").isNull()).isTrue();
    assertThat(result.get("command_line_arguments").asText()).startsWith("one");
  }

  @Test
  void shouldUnpackAdditionalFilesNextToTheSource() throws IOException {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(zip)) {
      out.putNextEntry(new ZipEntry("helper/greet.py"));
      out.write("def greet(name):\n    return 'hi ' + name\n".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("data.txt"));
      out.write("world".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    ObjectNode request =
        submission(PYTHON, "from helper.greet import greet\nprint(greet(open('data.txt').read()))")
            .put("additional_files", Base64.getEncoder().encodeToString(zip.toByteArray()));

    JsonNode result = run(request);

    assertThat(statusOf(result)).as(result.toString()).isEqualTo(3);
    assertThat(result.get("stdout").asText()).isEqualTo("hi world\n");
  }

  @Test
  void shouldRoundTripBinaryOutputInBase64() {
    byte[] stdin = {0, (byte) 0xff, 10, (byte) 0x80};
    String source = "import sys\nsys.stdout.buffer.write(sys.stdin.buffer.read()[::-1])";
    ObjectNode request =
        JSON.createObjectNode()
            .put("language_id", PYTHON)
            .put(
                "source_code",
                Base64.getEncoder().encodeToString(source.getBytes(StandardCharsets.UTF_8)))
            .put("stdin", Base64.getEncoder().encodeToString(stdin));

    Reply created = post("/submissions?base64_encoded=true", request);
    String token = created.body().get("token").asText();
    JsonNode result = awaitFinished(token, "&base64_encoded=true");
    Reply plain = get("/submissions/" + token);

    assertThat(Base64.getDecoder().decode(result.get("stdout").asText()))
        .containsExactly(0x80, 10, 0xff, 0);
    assertThat(
            new String(
                Base64.getDecoder().decode(result.get("source_code").asText()),
                StandardCharsets.UTF_8))
        .isEqualTo(source);
    assertThat(plain.status()).isEqualTo(400);
    assertThat(plain.body().get("error").asText()).contains("use base64_encoded=true");
  }

  @Test
  void shouldSelectTheFieldsAsked() {
    String token = submit(submission(PYTHON, "print(1)"));
    awaitFinished(token, "");

    Reply reply = get("/submissions/" + token + "?fields=stdout,status_id");
    Reply defaults = get("/submissions/" + token);

    assertThat(reply.body().size()).isEqualTo(2);
    assertThat(reply.body().get("stdout").asText()).isEqualTo("1\n");
    assertThat(reply.body().get("status_id").asInt()).isEqualTo(3);
    Set<String> names = new HashSet<>();
    defaults.body().fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactlyInAnyOrder(
            "token", "time", "memory", "stdout", "stderr", "compile_output", "message", "status");
  }

  @Test
  void shouldPutTheResultToTheCallbackUrl() throws InterruptedException {
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/judge0-callback";
    String token = submit(submission(PYTHON, "print('called back')").put("callback_url", url));

    Received received = callbacks.poll(RESULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    assertThat(received).isNotNull();
    assertThat(received.method()).isEqualTo("PUT");
    JsonNode body = readTree(received.body());
    assertThat(body.get("token").asText()).isEqualTo(token);
    assertThat(body.get("status").get("id").asInt()).isEqualTo(3);
    assertThat(
            new String(
                Base64.getDecoder().decode(body.get("stdout").asText()), StandardCharsets.UTF_8))
        .isEqualTo("called back\n");
  }

  @Test
  void shouldRunABatchOfTwenty() {
    ObjectNode batch = JSON.createObjectNode();
    ArrayNode submissions = batch.putArray("submissions");
    for (int i = 0; i < 20; i++) {
      submissions.add(submission(PYTHON, "print(" + i + " * 2)"));
    }

    Reply created = post("/submissions/batch", batch);
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    List<String> tokens = new ArrayList<>();
    created.body().forEach(answer -> tokens.add(answer.get("token").asText()));
    assertThat(tokens).hasSize(20).doesNotHaveDuplicates();

    String query =
        "/submissions/batch?tokens=" + String.join(",", tokens) + "&fields=token,stdout,status_id";
    List<JsonNode> finished = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              JsonNode shown = get(query).body().get("submissions");
              finished.clear();
              shown.forEach(finished::add);
              assertThat(finished).allMatch(s -> s.get("status_id").asInt() == 3);
            });
    for (int i = 0; i < 20; i++) {
      assertThat(finished.get(i).get("token").asText()).isEqualTo(tokens.get(i));
      assertThat(finished.get(i).get("stdout").asText()).isEqualTo((i * 2) + "\n");
    }
  }

  // ---- errors as Judge0 gives them

  @Test
  void shouldAnswer422NamingTheField() {
    Reply unknownLanguage = post("/submissions", submission(9999, "x"));
    Reply compilerOptions =
        post("/submissions", submission(PYTHON, "print(1)").put("compiler_options", "-O3"));
    Reply negative = post("/submissions", submission(PYTHON, "print(1)").put("cpu_time_limit", -1));

    assertThat(unknownLanguage.status()).isEqualTo(422);
    assertThat(unknownLanguage.body().get("language_id").get(0).asText())
        .isEqualTo("language with id 9999 doesn't exist");
    assertThat(compilerOptions.status()).isEqualTo(422);
    assertThat(compilerOptions.body().has("compiler_options")).isTrue();
    assertThat(negative.status()).isEqualTo(422);
    assertThat(negative.body().has("cpu_time_limit")).isTrue();
  }

  @Test
  void shouldAnswer404ForAnUnknownTokenAnd401WithoutAKey() {
    Reply unknown = get("/submissions/00000000-0000-0000-0000-000000000000");
    Reply anonymous = send("POST", "/submissions", submission(PYTHON, "print(1)").toString(), null);
    Reply wrongKey = send("GET", "/submissions/x", null, "not-a-key");

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().get("error").asText()).isEqualTo("Not Found");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(wrongKey.status()).isEqualTo(401);
  }

  @Test
  void shouldDescribeLanguagesStatusesAndItself() {
    JsonNode languages = send("GET", "/languages", null, null).body();
    JsonNode statuses = send("GET", "/statuses", null, null).body();
    Reply c = send("GET", "/languages/50", null, null);
    Reply about = send("GET", "/about", null, null);

    List<Integer> ids = new ArrayList<>();
    languages.forEach(language -> ids.add(language.get("id").asInt()));
    assertThat(ids).contains(PYTHON, C, BASH, 54, 62, 63, 60, 73);
    assertThat(statuses.size()).isEqualTo(14);
    assertThat(statuses.get(6).get("description").asText()).isEqualTo("Runtime Error (SIGSEGV)");
    assertThat(c.body().get("name").asText()).startsWith("C (GCC ");
    assertThat(about.body().get("version").asText()).startsWith("1.13");
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
