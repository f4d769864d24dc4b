package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Large request bodies arriving together: past the body budget they get 503 with Retry-After before
 * anything is buffered, small requests still pass, and once a large body is answered the next one
 * fits again. Raw sockets, so a body can be left half sent on purpose.
 */
class LargeBodiesTest {

  private static final int MIB = 1024 * 1024;
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway =
        TestGateway.withFakeKafka(
            Map.of("gozo.max-body-bytes", 2 * MIB, "gozo.max-inflight-body-bytes", 3 * MIB));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void shouldRefuseLargeBodiesPastTheBudgetWithA503AndStillServeSmallOnes() throws IOException {
    byte[] halfSentBody = bigJob(2 * MIB - 1000);
    try (Socket holder = connect();
        Socket second = connect();
        Socket expecting = connect()) {
      // Holds 2 MiB of the 3 MiB budget: its body is only half sent.
      OutputStream holderOut = holder.getOutputStream();
      holderOut.write(head(halfSentBody.length, false));
      holderOut.write(halfSentBody, 0, MIB);
      holderOut.flush();
      waitUntilTheGatewayHolds(holder);

      byte[] secondBody = bigJob(3 * MIB / 2);
      Answer refused = exchange(second, secondBody, false);
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("content-type")).isEqualTo("application/problem+json");
      assertThat(refused.header("retry-after")).isEqualTo("1");
      assertThat(refused.body()).contains("\"status\":503").contains("retry shortly");

      // The refused client's connection stays usable, and small bodies always pass.
      Answer small = exchange(second, smallJob(), false);
      assertThat(small.status()).isEqualTo(202);

      // A client that waits for "100 Continue" is refused before sending its body.
      OutputStream expectingOut = expecting.getOutputStream();
      expectingOut.write(head(secondBody.length, true));
      expectingOut.flush();
      Answer early = read(expecting.getInputStream());
      assertThat(early.status()).isEqualTo(503);
      assertThat(expecting.getInputStream().read()).as("connection closed").isEqualTo(-1);

      // Once the holder's request is answered, its share of the budget is free again.
      holderOut.write(halfSentBody, MIB, halfSentBody.length - MIB);
      holderOut.flush();
      Answer held = read(holder.getInputStream());
      assertThat(held.status()).isBetween(200, 499);
      Answer retried = exchange(second, secondBody, false);
      assertThat(retried.status()).isBetween(200, 499).isNotEqualTo(413);
    }
  }

  /** The holder's request is admitted once its head has been read; a tiny wait makes sure. */
  private static void waitUntilTheGatewayHolds(Socket holder) {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(holder.isClosed()).isFalse();
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.uri("/").getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static byte[] head(int contentLength, boolean expectContinue) {
    String head =
        "POST /v1/executions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + TestGateway.KEY
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + contentLength
            + "\r\n"
            + (expectContinue ? "Expect: 100-continue\r\n" : "")
            + "\r\n";
    return head.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] smallJob() {
    return "{\"language\":\"python\",\"files\":[{\"name\":\"main.py\",\"content\":\"print(1)\"}]}"
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A job whose body is exactly {@code size} bytes (its file is too large: 400, not 5xx). */
  private static byte[] bigJob(int size) {
    String prefix = "{\"language\":\"python\",\"files\":[{\"name\":\"main.py\",\"content\":\"";
    String suffix = "\"}]}";
    return (prefix + "#".repeat(size - prefix.length() - suffix.length()) + suffix)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Answer exchange(Socket socket, byte[] body, boolean expectContinue)
      throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(head(body.length, expectContinue));
    out.write(body);
    out.flush();
    return read(socket.getInputStream());
  }

  private record Answer(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private static Answer read(InputStream in) throws IOException {
    String statusLine = line(in);
    java.util.HashMap<String, String> headers = new java.util.HashMap<>();
    for (String line = line(in); !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Answer(
        Integer.parseInt(statusLine.split(" ")[1]),
        headers,
        new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed mid-answer: " + bytes);
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }
}
