package dev.gozo.gateway.compat.judge0;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import dev.gozo.gateway.Json;
import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.protocol.v1.JobCompleted;
import dev.gozo.protocol.v1.JobStatus;
import dev.gozo.protocol.v1.StepResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Judge0's callback_url: the finished submission is PUT there, only to allowed hosts. */
class Judge0CallbacksTest {

  @AutoClose
  private static final TestGateway gateway =
      TestGateway.withFakeKafka(Map.of("gozo.callback-allowed-hosts", "127.0.0.1"));

  private static final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private static HttpServer receiver;

  @BeforeAll
  static void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          received.add(
              exchange.getRequestMethod()
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
  }

  @AfterAll
  static void stopReceiver() {
    receiver.stop(0);
  }

  @Test
  void shouldPutTheFinishedSubmissionInBase64() throws Exception {
    // given
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    HttpResponse<String> created =
        post(
            "{\"source_code\": \"print(1)\", \"language_id\": 71, \"callback_url\": \""
                + url
                + "\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String token = (String) Json.object(created.body()).get("token");

    // when
    gateway
        .bean(JobStateStore.class)
        .recordCompleted(
            JobCompleted.newBuilder()
                .setJobId(token)
                .setTenant(TestGateway.TENANT)
                .setStatus(JobStatus.SUCCEEDED)
                .setRun(StepResult.newBuilder().setStdout(ByteString.copyFromUtf8("1\n")))
                .build());

    // then
    String call = received.poll(10, TimeUnit.SECONDS);
    assertThat(call).startsWith("PUT ");
    Map<String, Object> body = Json.object(call.substring(4));
    assertThat(body).containsEntry("token", token);
    assertThat(body).containsEntry("status", Map.of("id", 3, "description", "Accepted"));
    assertThat(Base64.getDecoder().decode((String) body.get("stdout")))
        .isEqualTo("1\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldRefuseAHostOffTheAllowList() {
    // when
    HttpResponse<String> response =
        post(
            "{\"source_code\": \"print(1)\", \"language_id\": 71,"
                + " \"callback_url\": \"http://10.0.0.1/hook\"}");

    // then
    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(Json.object(response.body())).containsOnlyKeys("callback_url");
    assertThat((List<?>) Json.object(response.body()).get("callback_url")).isNotEmpty();
  }

  private static HttpResponse<String> post(String json) {
    return gateway.send(
        gateway
            .request("/judge0/submissions")
            .header("X-Auth-Token", TestGateway.KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }
}
