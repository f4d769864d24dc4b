package dev.gozo.gateway.compat.piston;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.gateway.Json;
import dev.gozo.gateway.TestGateway;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.LimitKind;
import dev.gozo.protocol.v1.Stage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /api/v2/execute} and {@code GET /api/v2/runtimes} with Kafka and the worker faked.
 */
class PistonExecuteApiTest {

  private static final String HELLO =
      """
      {"language": "python", "version": "3.x",
       "files": [{"content": "print('hello')"}]}
      """;

  @AutoClose private static final TestGateway gateway = TestGateway.withFakeKafka(Map.of());

  @Test
  void shouldAnswerAHelloWorldInPistonsShape() {
    // given
    int index = FakeRun.published(gateway);
    CompletableFuture<HttpResponse<String>> response = PistonClient.execute(gateway, HELLO);

    // when
    FakeRun.of(gateway, index)
        .stage(Stage.STAGE_RUN)
        .out("hello\n")
        .run(FakeRun.step("hello\n", "", 0, 0))
        .finish(JobStatus.SUCCEEDED, "exited with code 0");

    // then
    Map<String, Object> body = ok(response);
    assertThat(body).containsEntry("language", "python").containsEntry("version", "3.11.2");
    assertThat(body).doesNotContainKey("compile");
    Map<String, Object> run = stage(body, "run");
    assertThat(run)
        .containsEntry("stdout", "hello\n")
        .containsEntry("stderr", "")
        .containsEntry("output", "hello\n")
        .containsEntry("code", 0)
        .containsEntry("signal", null)
        .containsEntry("message", null)
        .containsEntry("status", null)
        .containsEntry("cpu_time", 18)
        .containsEntry("wall_time", 31)
        .containsEntry("memory", 9_216_000);
  }

  @Test
  void shouldInterleaveStdoutAndStderrInTheOrderTheyWereWritten() {
    // given
    int index = FakeRun.published(gateway);
    CompletableFuture<HttpResponse<String>> response = PistonClient.execute(gateway, HELLO);

    // when
    FakeRun.of(gateway, index)
        .stage(Stage.STAGE_RUN)
        .out("a\n")
        .err("b\n")
        .out("c\n")
        .run(FakeRun.step("a\nc\n", "b\n", 1, 0))
        .finish(JobStatus.RUNTIME_ERROR, "exited with code 1");

    // then
    Map<String, Object> run = stage(ok(response), "run");
    assertThat(run).containsEntry("output", "a\nb\nc\n").containsEntry("stdout", "a\nc\n");
    assertThat(run).containsEntry("status", "RE").containsEntry("code", 1);
    assertThat(run).containsEntry("message", "exited with code 1");
  }

  @Test
  void shouldGiveStdoutThenStderrWhenTheStreamWasNotSeen() {
    // given a result whose live stream never reached the gateway
    int index = FakeRun.published(gateway);
    CompletableFuture<HttpResponse<String>> response = PistonClient.execute(gateway, HELLO);

    // when
    FakeRun.of(gateway, index)
        .run(FakeRun.step("out\n", "err\n", 0, 0))
        .finish(JobStatus.SUCCEEDED, "exited with code 0");

    // then
    assertThat(stage(ok(response), "run")).containsEntry("output", "out\nerr\n");
  }

  @Test
  void shouldReportBothStagesOfACompiledLanguage() {
    // given
    int index = FakeRun.published(gateway);
    CompletableFuture<HttpResponse<String>> response =
        PistonClient.execute(
            gateway,
            """
            {"language": "c", "version": "*", "files": [{"content": "int main(){return 0;}"}]}
            """);

    // when
    FakeRun.of(gateway, index)
        .stage(Stage.STAGE_COMPILE)
        .stage(Stage.STAGE_RUN)
        .out("hi\n")
        .compile(FakeRun.step("", "", 0, 0))
        .run(FakeRun.step("hi\n", "", 0, 0))
        .finish(JobStatus.SUCCEEDED, "exited with code 0");

    // then
    Map<String, Object> body = ok(response);
    assertThat(stage(body, "compile")).containsEntry("code", 0).containsEntry("status", null);
    assertThat(stage(body, "run")).containsEntry("output", "hi\n");
  }

  @Test
  void shouldCopyAFailedCompileIntoRun() {
    // given
    int index = FakeRun.published(gateway);
    CompletableFuture<HttpResponse<String>> response =
        PistonClient.execute(
            gateway,
            """
            {"language": "c", "version": "12.x", "files": [{"content": "int main( {"}]}
            """);

    // when
    FakeRun.of(gateway, index)
        .stage(Stage.STAGE_COMPILE)
        .err("main.c:1: error: expected\n")
        .compile(FakeRun.step("", "main.c:1: error: expected\n", 1, 0))
        .finish(JobStatus.COMPILE_ERROR, "compilation failed with code 1");

    // then
    Map<String, Object> body = ok(response);
    assertThat(stage(body, "compile"))
        .containsEntry("status", "RE")
        .containsEntry("code", 1)
        .containsEntry("output", "main.c:1: error: expected\n")
        .containsEntry("message", "compilation failed with code 1");
    assertThat(stage(body, "run")).isEqualTo(stage(body, "compile"));
  }

  @ParameterizedTest
  @CsvSource({
    "TIME_LIMIT_EXCEEDED, 0, 137, TO, SIGKILL",
    "TIME_LIMIT_EXCEEDED, 9, 0, TO, SIGKILL",
    "OUTPUT_LIMIT_EXCEEDED, 0, 0, OL, SIGKILL",
    "MEMORY_LIMIT_EXCEEDED, 9, 0, SG, SIGKILL",
    "RUNTIME_ERROR, 11, 0, SG, SIGSEGV",
  })
  void shouldMapALimitOrSignalToPistonsStatusWithNoExitCode(
      JobStatus status, int signal, int exitCode, String pistonStatus, String signalName) {
    // given
    int index = FakeRun.published(gateway);
    CompletableFuture<HttpResponse<String>> response = PistonClient.execute(gateway, HELLO);

    // when
    FakeRun.of(gateway, index)
        .run(FakeRun.step("", "", exitCode, signal).setLimitHit(LimitKind.LIMIT_NONE))
        .finish(status, "the reason");

    // then
    assertThat(stage(ok(response), "run"))
        .containsEntry("status", pistonStatus)
        .containsEntry("signal", signalName)
        .containsEntry("code", null)
        .containsEntry("message", "the reason");
  }

  @Test
  void shouldReportOurOwnFailureAsXx() {
    // given
    int index = FakeRun.published(gateway);
    CompletableFuture<HttpResponse<String>> response = PistonClient.execute(gateway, HELLO);

    // when nothing ran
    FakeRun.of(gateway, index).finish(JobStatus.INTERNAL_ERROR, "the sandbox could not start");

    // then
    assertThat(stage(ok(response), "run"))
        .containsEntry("status", "XX")
        .containsEntry("message", "the sandbox could not start")
        .containsEntry("stdout", "")
        .containsEntry("output", "");
  }

  @Test
  void shouldTranslateFilesStdinArgsAndRunLimitsIntoTheJob() {
    // given
    int index = FakeRun.published(gateway);
    PistonClient.execute(
        gateway,
        """
        {"language": "py", "version": "3.11.2",
         "files": [{"content": "import lib"},
                   {"content": "eCA9IDE=", "encoding": "base64"},
                   {"name": "data.bin", "content": "00ff", "encoding": "hex"}],
         "stdin": "Ada", "args": ["one", 2],
         "run_timeout": 2500, "run_cpu_time": 1500, "run_memory_limit": 100000000,
         "compile_timeout": 10000, "compile_memory_limit": -1}
        """);

    // when
    ExecuteJob job = FakeRun.of(gateway, index).job();

    // then
    assertThat(job.getLanguage()).isEqualTo("python");
    assertThat(job.getVersion()).isEqualTo("3.11.2");
    assertThat(job.getFilesList())
        .extracting(f -> f.getName())
        .containsExactly("main.py", "file1.code", "data.bin");
    assertThat(job.getFiles(1).getContent().toString(StandardCharsets.UTF_8)).isEqualTo("x = 1");
    assertThat(job.getFiles(2).getContent().toByteArray()).containsExactly(0x00, 0xff);
    assertThat(job.getStdin().toStringUtf8()).isEqualTo("Ada\n");
    assertThat(job.getArgsList()).containsExactly("one", "2");
    assertThat(job.getLimits().getWallTimeMs()).isEqualTo(2500);
    assertThat(job.getLimits().getCpuTimeMs()).isEqualTo(1500);
    assertThat(job.getLimits().getMemoryMb()).isEqualTo(96); // 100,000,000 bytes, rounded up
    assertThat(job.getInteractive()).isFalse();
  }

  @Test
  void shouldGiveEmptyStdinALineBreakAndMinusOneTheServerMaximum() {
    // given
    int index = FakeRun.published(gateway);
    PistonClient.execute(
        gateway,
        """
        {"language": "python", "version": "*", "files": [{"content": "print(1)"}],
         "run_timeout": -1, "run_memory_limit": -1}
        """);

    // when
    ExecuteJob job = FakeRun.of(gateway, index).job();

    // then
    assertThat(job.getStdin().toStringUtf8()).isEqualTo("\n");
    assertThat(job.getLimits().getWallTimeMs()).isEqualTo(30_000);
    assertThat(job.getLimits().getMemoryMb()).isEqualTo(2048);
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "3", "3.x", "3.11.x", "3.X", "^3", "~3.11", ">=3.10 <4", "3.11.2"})
  void shouldResolveAVersionRangeToTheCatalogueVersion(String range) {
    // given
    int index = FakeRun.published(gateway);
    PistonClient.execute(
        gateway,
        "{\"language\": \"python\", \"version\": \""
            + range
            + "\", \"files\": [{\"content\": \"print(1)\"}]}");

    // when
    ExecuteJob job = FakeRun.of(gateway, index).job();

    // then
    assertThat(job.getVersion()).isEqualTo("3.11.2");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"language\": \"python\", \"version\": \"2.x\", \"files\": [{\"content\": \"1\"}]}"
            + "| python-2.x runtime is unknown",
        "{\"language\": \"cobra\", \"version\": \"*\", \"files\": [{\"content\": \"1\"}]}"
            + "| cobra-* runtime is unknown",
        "{\"language\": \"python\", \"version\": \"3.12.0\", \"files\": [{\"content\": \"1\"}]}"
            + "| python-3.12.0 runtime is unknown",
        "{\"version\": \"*\", \"files\": []}| language is required as a string",
        "{\"language\": \"python\", \"files\": []}| version is required as a string",
        "{\"language\": \"python\", \"version\": \"*\"}| files is required as an array",
        "{\"language\": \"python\", \"version\": \"*\", \"files\": [{}]}"
            + "| files[0].content is required as a string",
        "{\"language\": \"python\", \"version\": \"*\", \"files\": [{\"content\": \"AA==\","
            + " \"encoding\": \"base64\"}]}| files must include at least one utf8 encoded file",
        "{\"language\": \"python\", \"version\": \"*\", \"files\": [{\"content\": \"1\"}],"
            + " \"run_timeout\": 999999}| run_timeout cannot exceed the configured limit of 30000",
        "{\"language\": \"python\", \"version\": \"*\", \"files\": [{\"content\": \"1\"}],"
            + " \"compile_memory_limit\": \"big\"}"
            + "| If specified, compile_memory_limit must be a number",
        "{\"language\": \"python\", \"version\": \"*\", \"files\": [{\"content\": \"1\"}],"
            + " \"run_cpu_time\": -5}| run_cpu_time must be non-negative",
        "not json| the body must be a JSON object",
      })
  void shouldAnswer400WithPistonsMessage(String body, String message) throws Exception {
    // when
    HttpResponse<String> response = PistonClient.execute(gateway, body).get(10, TimeUnit.SECONDS);

    // then
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.object(response.body())).isEqualTo(Map.of("message", message));
  }

  @Test
  void shouldAnswer400NamingTheFieldOurOwnRulesRefuse() throws Exception {
    // when a file name our rules do not allow
    HttpResponse<String> response =
        PistonClient.execute(
                gateway,
                """
                {"language": "python", "version": "*",
                 "files": [{"name": "../etc/passwd", "content": "print(1)"}]}
                """)
            .get(10, TimeUnit.SECONDS);

    // then
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat((String) Json.object(response.body()).get("message")).startsWith("files[0].name ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "text/plain;charset=UTF-8",
        "application/octet-stream",
        "application/x-www-form-urlencoded"
      })
  void shouldReadJsonWhateverTheContentTypeSays(String contentType) {
    // given
    int index = FakeRun.published(gateway);
    CompletableFuture<HttpResponse<String>> response =
        PistonClient.execute(
            gateway, HELLO, contentType.isEmpty() ? null : contentType, TestGateway.KEY);

    // when
    FakeRun.of(gateway, index)
        .run(FakeRun.step("hello\n", "", 0, 0))
        .finish(JobStatus.SUCCEEDED, "exited with code 0");

    // then
    assertThat(stage(ok(response), "run")).containsEntry("stdout", "hello\n");
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldListTheCatalogueAsPistonRuntimesWithoutAKey() {
    // when
    HttpResponse<String> response = gateway.get("/api/v2/runtimes", null);

    // then
    assertThat(response.statusCode()).isEqualTo(200);
    List<Object> runtimes = Json.array(response.body());
    Map<String, Object> python =
        runtimes.stream()
            .map(r -> (Map<String, Object>) r)
            .filter(r -> "python".equals(r.get("language")))
            .findFirst()
            .orElseThrow();
    Map<String, Object> expected = new HashMap<>();
    expected.put("language", "python");
    expected.put("version", "3.11.2");
    expected.put("aliases", List.of("py", "python3"));
    expected.put("runtime", null);
    assertThat(python).isEqualTo(expected);
    assertThat(runtimes)
        .hasSize(gateway.get("/v1/runtimes", null).body().split("\"language\"").length - 1);
  }

  @Test
  void shouldRefuseARequestWithoutAKeyWhenNoAnonymousTenantIsSet() throws Exception {
    // when
    HttpResponse<String> none =
        PistonClient.execute(gateway, HELLO, null, null).get(10, TimeUnit.SECONDS);
    HttpResponse<String> wrong =
        PistonClient.execute(gateway, HELLO, null, "not-a-key").get(10, TimeUnit.SECONDS);

    // then
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(Json.object(none.body()).get("message"))
        .asString()
        .contains("Authorization: Bearer");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(Json.object(wrong.body())).isEqualTo(Map.of("message", "the API key is not valid"));
  }

  @Test
  void shouldRunAsTheKeysTenant() {
    // given
    int index = FakeRun.published(gateway);
    PistonClient.execute(gateway, HELLO, null, TestGateway.OTHER_KEY);

    // then
    assertThat(FakeRun.of(gateway, index).job().getTenant()).isEqualTo(TestGateway.OTHER_TENANT);
  }

  static Map<String, Object> ok(CompletableFuture<HttpResponse<String>> response) {
    HttpResponse<String> answered = response.orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    return Json.object(answered.body());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> stage(Map<String, Object> body, String name) {
    return (Map<String, Object>) body.get(name);
  }
}
