package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.JobInput;
import dev.gozo.protocol.v1.OutputStream;
import dev.gozo.protocol.v1.Stage;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The interactive WebSocket of one gateway against a real broker, with the test playing the worker:
 * it reads the job and its input records from Kafka and publishes output and the result.
 */
class InteractiveIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PATH = "/v1/executions/interactive";

  private static KafkaFixture kafka;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    kafka = new KafkaFixture();
    gateway = TestGateway.withKafka(kafka.bootstrap, kafka.gatewayProperties());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldRunAnInteractiveJobFeedingItsInputAndSendingItsOutputUntilTheResult() {
    // given a client that submits a job
    WsClient client = WsClient.connect(gateway, PATH, TestGateway.KEY);
    client.send(GatewayKafkaIT.JOB);
    await().atMost(WAIT).until(() -> client.types().contains("queued"));
    String id = (String) client.ofType("queued").get(0).get("id");
    ExecuteJob job = kafka.awaitJob(id);
    assertThat(job.getInteractive()).isTrue();
    assertThat(job.getTenant()).isEqualTo(TestGateway.TENANT);

    // when it types, closes stdin, and interrupts
    client.send("{\"type\":\"stdin\",\"data\":\"Ada\\n\"}");
    client.sendInParts("{\"type\":\"stdin\",\"data\":\"Lovelace\\n\"}");
    client.send("{\"type\":\"stdin\",\"eof\":true}");
    client.send("{\"type\":\"signal\",\"signal\":\"SIGINT\"}");

    // then the worker finds them in order, numbered, under the job's tenant
    List<JobInput> inputs = kafka.awaitInputs(id, 4);
    assertThat(inputs).extracting(JobInput::getSeq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(inputs).allSatisfy(i -> assertThat(i.getTenant()).isEqualTo(TestGateway.TENANT));
    assertThat(inputs.get(0).getStdin().toStringUtf8()).isEqualTo("Ada\n");
    assertThat(inputs.get(1).getStdin().toStringUtf8()).isEqualTo("Lovelace\n");
    assertThat(inputs.get(2).hasEof()).isTrue();
    assertThat(inputs.get(3).getSignal().getName()).isEqualTo("SIGINT");

    // when the worker runs it
    kafka.publishStarted(job, "w1", 1);
    kafka.publishStage(job, 1, 1, Stage.STAGE_RUN);
    kafka.publishChunk(job, 1, 2, OutputStream.STDOUT, bytes("Hello, Ada\n"));
    kafka.publishChunk(job, 1, 3, OutputStream.STDERR, new byte[] {(byte) 0xFF});
    kafka.publishResult(LiveStreamsIT.result(job, 1, 3));

    // then the client gets the stream, the result, and a normal close
    assertThat(client.closeCode.orTimeout(20, TimeUnit.SECONDS).join()).isEqualTo(1000);
    assertThat(client.types())
        .containsExactly("queued", "started", "stage", "stdout", "stderr", "result");
    assertThat(client.ofType("stage").get(0)).containsEntry("stage", "run");
    assertThat(client.ofType("stdout").get(0)).containsEntry("data", "Hello, Ada\n");
    assertThat(client.ofType("stderr").get(0))
        .containsEntry("data", "/w==")
        .containsEntry("base64", true);
    Map<String, Object> result = client.ofType("result").get(0);
    Map<String, Object> get =
        Json.object(gateway.get("/v1/executions/" + id, TestGateway.KEY).body());
    assertThat(result).containsAllEntriesOf(get).hasSize(get.size() + 1);
  }

  @Test
  void shouldAnswerBadMessagesWithAnErrorAndGoOn() {
    // given a running interactive job whose stdin was closed
    WsClient client = WsClient.connect(gateway, PATH, TestGateway.KEY);
    client.send(GatewayKafkaIT.JOB);
    await().atMost(WAIT).until(() -> client.types().contains("queued"));
    String id = (String) client.ofType("queued").get(0).get("id");
    client.send("{\"type\":\"stdin\",\"eof\":true}");

    // when
    client.send("{\"type\":\"resize\",\"rows\":40}");
    client.send("{\"type\":\"stdin\",\"data\":\"too late\"}");
    client.send("{\"type\":\"signal\",\"signal\":\"SIGSTOP\"}");
    client.send("{\"type\":\"signal\",\"signal\":\"SIGTERM\"}");

    // then each bad one got an error naming its problem, and the good ones went to the job
    await().atMost(WAIT).until(() -> client.ofType("error").size() == 3);
    List<Object> errors = client.ofType("error").stream().map(m -> m.get("message")).toList();
    assertThat(errors.get(0).toString()).contains("unknown message type \"resize\"");
    assertThat(errors.get(1).toString()).contains("stdin was already closed");
    assertThat(errors.get(2).toString()).contains("SIGINT, SIGTERM, SIGKILL");
    List<JobInput> inputs = kafka.awaitInputs(id, 2);
    assertThat(inputs).hasSize(2);
    assertThat(inputs.get(0).hasEof()).isTrue();
    assertThat(inputs.get(1).getSignal().getName()).isEqualTo("SIGTERM");
    assertThat(inputs).extracting(JobInput::getSeq).containsExactly(1L, 2L);
    assertThat(client.closeCode).isNotDone();
    client.close();
  }

  @Test
  void shouldRefuseAnInvalidFirstMessageWithItsProblemsAndCode4400() {
    WsClient client = WsClient.connect(gateway, PATH, TestGateway.KEY);

    client.send("{\"language\": \"no-such-language\", \"files\": []}");

    assertThat(client.closeCode.orTimeout(20, TimeUnit.SECONDS).join()).isEqualTo(4400);
    assertThat(client.types()).containsExactly("error");
    Map<String, Object> error = client.messages.get(0);
    assertThat(error.get("message").toString()).startsWith("invalid job: ").contains("language");
    assertThat(error.get("violations").toString()).contains("field=language");
  }

  @Test
  void shouldCloseWith1009OnAMessageOverItsCap() {
    WsClient client = WsClient.connect(gateway, PATH, TestGateway.KEY);
    client.send(GatewayKafkaIT.JOB);
    await().atMost(WAIT).until(() -> client.types().contains("queued"));

    client.send("{\"type\":\"stdin\",\"data\":\"" + "x".repeat(70 * 1024) + "\"}");

    assertThat(client.closeCode.orTimeout(20, TimeUnit.SECONDS).join()).isEqualTo(1009);
    assertThat(client.ofType("error").get(0).get("message").toString()).contains("65536 bytes");
  }

  @Test
  void shouldSendEofForAClientThatLeavesEarly() {
    WsClient client = WsClient.connect(gateway, PATH, TestGateway.KEY);
    client.send(GatewayKafkaIT.JOB);
    await().atMost(WAIT).until(() -> client.types().contains("queued"));
    String id = (String) client.ofType("queued").get(0).get("id");
    client.send("{\"type\":\"stdin\",\"data\":\"1\\n\"}");

    client.abort();

    List<JobInput> inputs = kafka.awaitInputs(id, 2);
    assertThat(inputs.get(1).hasEof()).isTrue();
    assertThat(inputs.get(1).getSeq()).isEqualTo(2);
  }

  @Test
  void shouldTakeTheKeyFromAccessTokenAndRefuseTheUpgradeWithoutAValidKey() {
    WsClient browser = WsClient.connect(gateway, PATH + "?access_token=" + TestGateway.KEY, null);
    browser.send(GatewayKafkaIT.JOB);
    await().atMost(WAIT).until(() -> browser.types().contains("queued"));
    browser.close();

    for (String path : List.of(PATH, PATH + "?access_token=wrong")) {
      assertThatThrownBy(() -> WsClient.connect(gateway, path, null))
          .satisfies(e -> assertThat(handshakeStatus(e)).isEqualTo(401));
    }
  }

  private static int handshakeStatus(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof WebSocketHandshakeException handshake) {
        return handshake.getResponse().statusCode();
      }
    }
    throw new AssertionError("not a refused handshake", e);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
