package dev.gozo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Judging through the real system (broker, gateway, a worker running real containers): tests and
 * checkers in the HTTP API, a `test` event per finished test on the SSE stream, the job's verdict,
 * 256 tests in one request, and 400s that name the field.
 */
class JudgingIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static SystemUnderTest system;
  private static GatewayClient gateway;

  @BeforeAll
  static void startSystem() {
    system = new SystemUnderTest();
    system.startBroker();
    system.createTopics();
    gateway = system.startGateway("judging");
    system.startWorker("judging", Map.of());
  }

  @AfterAll
  static void stopSystem() {
    system.close();
  }

  private static ObjectNode job(String language, String name, String code) {
    ObjectNode job = JSON.createObjectNode().put("language", language);
    job.putArray("files").addObject().put("name", name).put("content", code);
    return job;
  }

  private static ObjectNode addTest(ObjectNode job, String stdin, String expected) {
    ArrayNode tests = job.has("tests") ? (ArrayNode) job.get("tests") : job.putArray("tests");
    ObjectNode test = tests.addObject().put("stdin", stdin);
    if (expected != null) {
      test.put("expectedOutput", expected);
    }
    return test;
  }

  private static String submit(ObjectNode job) {
    GatewayClient.Reply reply = gateway.submit(job.toString(), "");
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
    return reply.body().get("id").asText();
  }

  private static JsonNode awaitFinal(String id, Duration timeout) {
    List<JsonNode> last = new ArrayList<>(1);
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              GatewayClient.Reply reply = gateway.get(id);
              assertThat(reply.status()).isEqualTo(200);
              assertThat(GatewayClient.FINAL_STATUSES)
                  .contains(reply.body().get("status").asText());
              last.clear();
              last.add(reply.body());
            });
    return last.get(0);
  }

  private static List<String> statuses(JsonNode result) {
    List<String> statuses = new ArrayList<>();
    result.get("tests").forEach(test -> statuses.add(test.get("status").asText()));
    return statuses;
  }

  @Test
  void shouldStreamATestEventPerTestAndAnswerWrongAnswerForTheFirstFailure() throws Exception {
    ObjectNode job = job("python", "main.py", "print(int(input()) * 2)");
    addTest(job, "1\n", "2\n").put("name", "one");
    addTest(job, "2\n", "5\n").put("name", "two");
    addTest(job, "3\n", "6\n");

    String id = submit(job);
    List<SseSubscriber.Event> events;
    try (SseSubscriber stream = SseSubscriber.open(gateway, id, null)) {
      assertThat(stream.awaitEnd(Duration.ofSeconds(120))).isTrue();
      events = List.copyOf(stream.events);
    }

    JsonNode result = JSON.readTree(events.get(events.size() - 1).data());
    assertThat(result.get("status").asText()).isEqualTo("WRONG_ANSWER");
    assertThat(statuses(result)).containsExactly("ACCEPTED", "WRONG_ANSWER", "ACCEPTED");
    assertThat(result.get("tests").get(0).get("name").asText()).isEqualTo("one");
    assertThat(result.get("tests").get(2).get("name").asText()).isEqualTo("3");
    assertThat(result.get("tests").get(1).get("run").get("stdout").asText()).isEqualTo("4\n");
    assertThat(result.get("summary").get("passed").asInt()).isEqualTo(2);
    assertThat(result.get("summary").get("failed").asInt()).isEqualTo(1);
    assertThat(result.get("summary").get("skipped").asInt()).isZero();
    List<JsonNode> testEvents = new ArrayList<>();
    for (SseSubscriber.Event event : events) {
      if (event.name().equals("test")) {
        testEvents.add(JSON.readTree(event.data()));
      }
    }
    assertThat(testEvents).containsExactlyElementsOf(result.get("tests"));
    assertThat(result).isEqualTo(gateway.get(id).body());
  }

  @Test
  void shouldCompileACppSolutionOnceForAllItsTests() {
    ObjectNode job =
        job(
            "cpp",
            "sum.cpp",
            "#include <iostream>\nint main() { long a, b; std::cin >> a >> b;"
                + " std::cout << a + b << \"  \\n\\n\"; }\n");
    job.putObject("checker").put("type", "tokens");
    for (int i = 0; i < 10; i++) {
      addTest(job, i + " " + i, Integer.toString(2 * i));
    }

    JsonNode result = awaitFinal(submit(job), Duration.ofSeconds(180));

    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
    assertThat(result.get("compile").get("exitCode").asInt()).isZero();
    assertThat(result.get("summary").get("passed").asInt()).isEqualTo(10);
  }

  @Test
  void shouldRunAllOf256Tests() {
    ObjectNode job = job("python", "main.py", "print(int(input()) + 1)");
    job.putObject("checker").put("type", "lines");
    for (int i = 0; i < 256; i++) {
      addTest(job, Integer.toString(i), (i + 1) + "   \n\n");
    }

    JsonNode result = awaitFinal(submit(job), Duration.ofSeconds(600));

    assertThat(result.get("status").asText())
        .as(result.get("message").asText())
        .isEqualTo("SUCCEEDED");
    assertThat(result.get("tests")).hasSize(256);
    assertThat(result.get("summary").get("passed").asInt()).isEqualTo(256);
  }

  @Test
  void shouldTakeBinaryStdinAndExpectedOutputAsBase64() {
    Base64.Encoder base64 = Base64.getEncoder();
    ObjectNode job =
        job(
            "python",
            "main.py",
            "import sys\ndata = sys.stdin.buffer.read()\nsys.stdout.buffer.write(bytes(reversed(data)))");
    job.putArray("tests")
        .addObject()
        .put("encoding", "base64")
        .put("stdin", base64.encodeToString(new byte[] {1, (byte) 0xff, 0}))
        .put("expectedOutput", base64.encodeToString(new byte[] {0, (byte) 0xff, 1}));

    JsonNode result = awaitFinal(submit(job), Duration.ofSeconds(120));

    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
  }

  @Test
  void shouldRefuseBadJudgingInputNamingTheField() {
    ObjectNode tooMany = job("python", "main.py", "print(1)");
    for (int i = 0; i < 257; i++) {
      addTest(tooMany, "", "1\n");
    }
    assertRefused(tooMany, "tests");

    ObjectNode unknownChecker = job("python", "main.py", "print(1)");
    addTest(unknownChecker, "", "1\n");
    unknownChecker.putObject("checker").put("type", "fuzzy");
    assertRefused(unknownChecker, "checker.type");

    ObjectNode unknownLanguage = job("python", "main.py", "print(1)");
    addTest(unknownLanguage, "", "1\n");
    ObjectNode checker = unknownLanguage.putObject("checker").put("type", "program");
    checker.put("language", "no-such-language");
    checker.putArray("files").addObject().put("name", "c.py").put("content", "pass");
    assertRefused(unknownLanguage, "checker.language");

    ObjectNode negative = job("python", "main.py", "print(1)");
    addTest(negative, "", "1\n");
    negative.putObject("checker").put("type", "float").put("epsilon", -0.5);
    assertRefused(negative, "checker.epsilon");
  }

  private static void assertRefused(ObjectNode job, String field) {
    GatewayClient.Reply reply = gateway.submit(job.toString(), "");
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(400);
    assertThat(reply.raw().headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(reply.raw().body()).contains("\"" + field + "\"");
  }
}
