package dev.gozo.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.gateway.Json;
import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.fakes.RecordingJobPublisher;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of invalid request is a 400 problem naming the right field, and nothing is published.
 */
class SubmitValidationTest {

  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.withFakeKafka(Map.of());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        bad("unknown language", "{'language': 'klingon', 'files': [" + MAIN + "]}", "language"),
        bad("missing language", "{'files': [" + MAIN + "]}", "language"),
        bad(
            "unknown version",
            "{'language': 'python', 'version': '2', 'files': [" + MAIN + "]}",
            "version"),
        bad("no files", "{'language': 'python'}", "files"),
        bad("empty files", "{'language': 'python', 'files': []}", "files"),
        bad("files not an array", "{'language': 'python', 'files': {}}", "files"),
        bad("file not an object", "{'language': 'python', 'files': [42]}", "files[0]"),
        bad(
            "bad base64",
            "{'language': 'python', 'files': [{'name': 'main.py', 'content': 'not*base64',"
                + " 'encoding': 'base64'}]}",
            "files[0].content"),
        bad(
            "unknown encoding",
            "{'language': 'python', 'files': [{'name': 'main.py', 'content': 'x', 'encoding':"
                + " 'utf16'}]}",
            "files[0].encoding"),
        bad(
            "limit above max",
            "{'language': 'python', 'files': [" + MAIN + "], 'limits': {'wallTimeMs': 999999999}}",
            "limits.wallTimeMs"),
        bad(
            "memory above max",
            "{'language': 'python', 'files': [" + MAIN + "], 'limits': {'memoryMb': 1048576}}",
            "limits.memoryMb"),
        bad(
            "negative limit",
            "{'language': 'python', 'files': [" + MAIN + "], 'limits': {'cpuTimeMs': -1}}",
            "limits.cpuTimeMs"),
        bad(
            "absolute file name",
            "{'language': 'python', 'files': [{'name': '/etc/passwd', 'content': ''}]}",
            "files[0].name"),
        bad(
            "parent file name",
            "{'language': 'python', 'files': [" + MAIN + ", {'name': '../x.py', 'content': ''}]}",
            "files[1].name"),
        bad(
            "empty segment",
            "{'language': 'python', 'files': [{'name': 'a//b.py', 'content': ''}]}",
            "files[0].name"),
        bad(
            "dot segment",
            "{'language': 'python', 'files': [{'name': './main.py', 'content': ''}]}",
            "files[0].name"),
        bad(
            "shell characters",
            "{'language': 'python', 'files': [{'name': 'a;rm -rf.py', 'content': ''}]}",
            "files[0].name"),
        bad(
            "backslash",
            "{'language': 'python', 'files': [{'name': 'a\\\\b.py', 'content': ''}]}",
            "files[0].name"),
        bad(
            "duplicate file",
            "{'language': 'python', 'files': [" + MAIN + ", " + MAIN + "]}",
            "files[1].name"),
        bad("malformed JSON", "{'language': 'python',", "body"),
        bad("JSON array body", "[1, 2, 3]", "body"),
        bad("wrong type language", "{'language': ['python'], 'files': [" + MAIN + "]}", "language"),
        bad(
            "wrong type stdin",
            "{'language': 'python', 'files': [" + MAIN + "], 'stdin': 42}",
            "stdin"),
        bad(
            "wrong type args",
            "{'language': 'python', 'files': [" + MAIN + "], 'args': 'a b'}",
            "args"),
        bad(
            "NUL in an argument",
            "{'language': 'python', 'files': [" + MAIN + "], 'args': ['a\\u0000b']}",
            "args[0]"),
        bad(
            "wrong type limit",
            "{'language': 'python', 'files': [" + MAIN + "], 'limits': {'memoryMb': '64'}}",
            "limits.memoryMb"),
        bad(
            "unknown limit",
            "{'language': 'python', 'files': [" + MAIN + "], 'limits': {'memory': 64}}",
            "limits.memory"),
        bad("257 tests", judged("'tests': [" + "{'stdin': ''},".repeat(256) + "{}]"), "tests"),
        bad(
            "unknown checker type",
            judged(TEST + ", 'checker': {'type': 'regex'}"),
            "checker.type"),
        bad(
            "checker program in an unknown language",
            judged(
                TEST
                    + ", 'checker': {'type': 'program', 'language': 'klingon', 'files': ["
                    + MAIN
                    + "]}"),
            "checker.language"),
        bad(
            "negative epsilon",
            judged(TEST + ", 'checker': {'type': 'float', 'epsilon': -0.5}"),
            "checker.epsilon"),
        bad(
            "test memory below the minimum",
            judged("'tests': [{'limits': {'memoryMb': 1}}]"),
            "tests[0].limits.memoryMb"));
  }

  private static final String TEST = "'tests': [{'stdin': '2 3', 'expectedOutput': '5'}]";

  /** A valid job with judging fields added. */
  private static String judged(String fields) {
    return "{'language': 'python', 'files': [" + MAIN + "], " + fields + "}";
  }

  private static final String MAIN = "{'name': 'main.py', 'content': 'print(1)'}";

  private static Arguments bad(String name, String singleQuotedJson, String field) {
    return Arguments.of(name, singleQuotedJson.replace('\'', '"'), field);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRequests")
  void shouldAnswer400NamingTheField(String name, String json, String field) {
    // given
    int published = gateway.bean(RecordingJobPublisher.class).jobs.size();

    // when
    HttpResponse<String> response = gateway.post("/v1/executions", json);

    // then
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(Json.violationFields(response.body())).contains(field);
    assertThat(gateway.bean(RecordingJobPublisher.class).jobs).hasSize(published);
  }

  @Test
  void shouldReportEveryProblemAtOnceAndEachOnlyOnce() {
    // given a request with three independent problems, one of which jobspec would also see
    String json =
        "{\"language\": \"klingon\", \"files\": \"main.py\", \"limits\": {\"processes\": \"many\"}}";

    // when
    HttpResponse<String> response = gateway.post("/v1/executions", json);

    // then
    assertThat(Json.violationFields(response.body()))
        .containsExactlyInAnyOrder("language", "files", "limits.processes");
  }

  @Test
  void shouldDescribeTheProblemInRfc9457Form() {
    HttpResponse<String> response =
        gateway.post(
            "/v1/executions",
            "{\"language\": \"klingon\", \"files\": [{\"name\": \"a\", \"content\": \"\"}]}");

    Map<String, Object> problem = Json.object(response.body());
    assertThat(problem)
        .containsEntry("type", "urn:gozo:problem:invalid-request")
        .containsEntry("title", "Invalid request")
        .containsEntry("status", 400)
        .containsKey("detail");
    assertThat((String) problem.get("detail")).contains("language").contains("klingon");
  }

  @Test
  void shouldNameBadWaitParameters() {
    String valid = "{\"language\": \"python\", \"files\": [" + MAIN.replace('\'', '"') + "]}";

    HttpResponse<String> response =
        gateway.post("/v1/executions?wait=perhaps&timeoutMs=soon", valid);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.violationFields(response.body()))
        .containsExactlyInAnyOrder("wait", "timeoutMs");
  }
}
