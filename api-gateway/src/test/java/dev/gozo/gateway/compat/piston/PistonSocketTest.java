package dev.gozo.gateway.compat.piston;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.WsClient;
import dev.gozo.gateway.fakes.RecordingInputPublisher;
import dev.gozo.protocol.v1.JobInput;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.Stage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** {@code /api/v2/connect}: Piston's WebSocket protocol over our interactive jobs, Kafka faked. */
class PistonSocketTest {

  private static final String INIT_PYTHON =
      """
      {"type": "init", "language": "python", "version": "3.x",
       "files": [{"content": "print('hi', input())"}], "run_timeout": 5000}
      """;

  @AutoClose private static final TestGateway gateway = TestGateway.withFakeKafka(Map.of());

  @Test
  void shouldRunAJobFedFromTheSocketAndCloseWith4999() throws Exception {
    // given
    int index = FakeRun.published(gateway);
    WsClient client = connect();
    client.send(INIT_PYTHON);
    FakeRun run = FakeRun.of(gateway, index);
    await().until(() -> client.types().contains("runtime"));

    // when
    client.send("{\"type\": \"data\", \"stream\": \"stdin\", \"data\": \"Ada\\n\"}");
    client.send("{\"type\": \"signal\", \"signal\": \"SIGINT\"}");
    List<JobInput> inputs = awaitInputs(run.job().getJobId(), 2);
    run.stage(Stage.STAGE_RUN)
        .out("hi Ada\n")
        .err("bye\n")
        .run(FakeRun.step("hi Ada\n", "bye\n", 0, 0))
        .finish(JobStatus.SUCCEEDED, "exited with code 0");

    // then
    assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4999);
    assertThat(run.job().getInteractive()).isTrue();
    assertThat(run.job().getStdin().isEmpty()).isTrue();
    assertThat(inputs.get(0).getStdin().toStringUtf8()).isEqualTo("Ada\n");
    assertThat(inputs.get(0).getSeq()).isEqualTo(1);
    assertThat(inputs.get(1).getSignal().getName()).isEqualTo("SIGINT");
    assertThat(inputs.get(1).getSeq()).isEqualTo(2);
    assertThat(client.messages)
        .containsExactly(
            Map.of("type", "runtime", "language", "python", "version", "3.11.2"),
            Map.of("type", "stage", "stage", "run"),
            Map.of("type", "data", "stream", "stdout", "data", "hi Ada\n"),
            Map.of("type", "data", "stream", "stderr", "data", "bye\n"),
            exit("run", 0, null));
  }

  @Test
  void shouldEndTheCompileStageBeforeTheRunAndReportASignal() throws Exception {
    // given
    int index = FakeRun.published(gateway);
    WsClient client = connect();
    client.send(
        "{\"type\": \"init\", \"language\": \"c\", \"version\": \"*\","
            + " \"files\": [{\"content\": \"int main(){for(;;);}\"}]}");

    // when
    FakeRun.of(gateway, index)
        .stage(Stage.STAGE_COMPILE)
        .stage(Stage.STAGE_RUN)
        .compile(FakeRun.step("", "", 0, 0))
        .run(FakeRun.step("", "", 0, 2))
        .finish(JobStatus.RUNTIME_ERROR, "killed by SIGINT");

    // then
    assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4999);
    assertThat(client.messages)
        .containsExactly(
            Map.of("type", "runtime", "language", "c", "version", "12.2.0"),
            Map.of("type", "stage", "stage", "compile"),
            exit("compile", 0, null),
            Map.of("type", "stage", "stage", "run"),
            exit("run", null, "SIGINT"));
  }

  @Test
  void shouldReportAFailedCompileAsTheCompileStagesExit() throws Exception {
    // given
    int index = FakeRun.published(gateway);
    WsClient client = connect();
    client.send(
        "{\"type\": \"init\", \"language\": \"c\", \"version\": \"*\","
            + " \"files\": [{\"content\": \"int main(\"}]}");

    // when
    FakeRun.of(gateway, index)
        .stage(Stage.STAGE_COMPILE)
        .err("error\n")
        .compile(FakeRun.step("", "error\n", 1, 0))
        .finish(JobStatus.COMPILE_ERROR, "compilation failed");

    // then
    assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4999);
    assertThat(client.messages.get(client.messages.size() - 1)).isEqualTo(exit("compile", 1, null));
  }

  @Test
  void shouldCloseWith4005ForASignalWeCannotSend() throws Exception {
    // given
    int index = FakeRun.published(gateway);
    WsClient client = connect();
    client.send(INIT_PYTHON);
    FakeRun.of(gateway, index);
    await().until(() -> client.types().contains("runtime"));

    // when
    client.send("{\"type\": \"signal\", \"signal\": \"SIGWINCH\"}");

    // then
    assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4005);
    assertThat(client.closeReason).isEqualTo("Invalid signal");
  }

  @Test
  void shouldCloseWith4004ForDataOnAnotherStream() throws Exception {
    // given
    int index = FakeRun.published(gateway);
    WsClient client = connect();
    client.send(INIT_PYTHON);
    FakeRun.of(gateway, index);
    await().until(() -> client.types().contains("runtime"));

    // when
    client.send("{\"type\": \"data\", \"stream\": \"stdout\", \"data\": \"x\"}");

    // then
    assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4004);
  }

  @Test
  void shouldCloseWith4000ForASecondInit() throws Exception {
    // given
    int index = FakeRun.published(gateway);
    WsClient client = connect();
    client.send(INIT_PYTHON);
    FakeRun.of(gateway, index);

    // when
    client.send(INIT_PYTHON);

    // then
    assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4000);
  }

  @Test
  void shouldCloseWith4003ForInputBeforeInit() throws Exception {
    // when
    WsClient client = connect();
    client.send("{\"type\": \"data\", \"stream\": \"stdin\", \"data\": \"x\"}");

    // then
    assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4003);
  }

  @Test
  void shouldCloseWith4001WhenNoInitCameInTime() throws Exception {
    // when
    WsClient client = connect();

    // then
    assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4001);
    assertThat(client.messages).isEmpty();
  }

  @Test
  void shouldNotifyAnUnknownRuntimeAndCloseWith4002() throws Exception {
    // when
    WsClient client = connect();
    client.send(
        "{\"type\": \"init\", \"language\": \"python\", \"version\": \"9.x\","
            + " \"files\": [{\"content\": \"1\"}]}");

    // then
    assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4002);
    assertThat(client.messages)
        .containsExactly(Map.of("type", "error", "message", "python-9.x runtime is unknown"));
  }

  @Test
  void shouldKillTheJobOfAClientThatLeaves() {
    // given
    int index = FakeRun.published(gateway);
    WsClient client = connect();
    client.send(INIT_PYTHON);
    FakeRun run = FakeRun.of(gateway, index);
    await().until(() -> client.types().contains("runtime"));

    // when
    client.close();

    // then
    List<JobInput> inputs = awaitInputs(run.job().getJobId(), 1);
    assertThat(inputs.get(0).getSignal().getName()).isEqualTo("SIGKILL");
  }

  @Test
  void shouldRefuseTheUpgradeWithoutAKey() {
    assertThatThrownBy(() -> WsClient.connect(gateway, "/api/v2/connect", null))
        .hasStackTraceContaining("401");
  }

  private static WsClient connect() {
    return WsClient.connect(gateway, "/api/v2/connect", TestGateway.KEY);
  }

  private static List<JobInput> awaitInputs(String jobId, int count) {
    RecordingInputPublisher published = gateway.bean(RecordingInputPublisher.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                published.inputs.stream().filter(i -> i.getJobId().equals(jobId)).count() >= count);
    return published.inputs.stream().filter(i -> i.getJobId().equals(jobId)).toList();
  }

  private static Map<String, Object> exit(String stage, Integer code, String signal) {
    Map<String, Object> exit = new HashMap<>();
    exit.put("type", "exit");
    exit.put("stage", stage);
    exit.put("code", code);
    exit.put("signal", signal);
    return exit;
  }
}
