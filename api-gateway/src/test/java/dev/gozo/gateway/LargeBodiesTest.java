package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.gateway.fakes.RecordingJobPublisher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What api-gateway/README.md ("Large bodies") promises, status by status: past the in-flight body
 * budget a large body gets 503 + Retry-After: 1 (problem+json) before it is buffered, on a
 * connection that stays open, or at once with the connection closed under "Expect: 100-continue";
 * bodies up to 64 KiB and chunked bodies always pass; once a large body is answered its share is
 * free again; a body over the size limit (8 MiB by default) gets 413. Raw sockets, so a body can be
 * left half sent on purpose.
 */
class LargeBodiesTest {

  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;
  private static final int ALWAYS_ADMITTED = 64 * KIB;
  // The holder's body leaves less than 1 KiB of the 2 MiB budget free, so a 64 KiB body that
  // passes beside it passes because small bodies always do, not because it fits.
  private static final int HELD = 2 * MIB - 1000;

  private static final String JOB_PREFIX = "{\"language\":\"python\",\"files\":[";
  private static final String JOB_SUFFIX = "]}";
  // Below the 1 MiB a file may hold, so a job of up to 4 MiB is valid.
  private static final int FILE_CONTENT = MIB - 100;

  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway =
        TestGateway.withFakeKafka(
            Map.of("gozo.max-body-bytes", 2 * MIB, "gozo.max-inflight-body-bytes", 2 * MIB));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void shouldRefuseLargeBodiesPastTheBudgetWithA503AndStillServeSmallAndChunkedOnes()
      throws IOException {
    byte[] heldBody = validJob(HELD);
    byte[] secondBody = validJob(3 * MIB / 2);
    try (Socket holder = connect();
        Socket second = connect();
        Socket expecting = connect();
        Socket chunked = connect()) {
      // The holder waits for "100 Continue": the gateway sends it only once the body budget has
      // admitted the request, so reading it proves the budget holds the holder's bytes.
      OutputStream holderOut = holder.getOutputStream();
      holderOut.write(head(heldBody.length, true));
      holderOut.flush();
      assertThat(read(holder.getInputStream()).status())
          .as("holder's interim answer")
          .isEqualTo(100);
      holderOut.write(heldBody, 0, MIB);
      holderOut.flush();

      Answer refused = exchange(second, secondBody);
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.header("content-type")).isEqualTo("application/problem+json");
      assertThat(refused.header("retry-after")).isEqualTo("1");
      assertThat(refused.header("connection")).isEqualTo("keep-alive");
      assertThat(refused.body())
          .contains("\"type\":\"urn:gozo:problem:unavailable\"")
          .contains("\"status\":503")
          .contains("a body of " + secondBody.length + " bytes")
          .contains("retry shortly");

      // The refused client's connection stays usable, and a body of 64 KiB passes although it
      // does not fit in what is left of the budget.
      Answer small = exchange(second, validJob(ALWAYS_ADMITTED));
      assertThat(small.status()).as(small.body()).isEqualTo(202);

      // A chunked body cannot be judged up front: counted as it arrives, never refused.
      Answer streamed = exchangeChunked(chunked, secondBody);
      assertThat(streamed.status()).as(streamed.body()).isEqualTo(202);

      // A client that waits for "100 Continue" is refused before sending its body, and closed.
      OutputStream expectingOut = expecting.getOutputStream();
      expectingOut.write(head(secondBody.length, true));
      expectingOut.flush();
      Answer early = read(expecting.getInputStream());
      assertThat(early.status()).as("answer instead of 100 Continue").isEqualTo(503);
      assertThat(early.header("retry-after")).isEqualTo("1");
      assertThat(expecting.getInputStream().read()).as("connection closed").isEqualTo(-1);

      // The holder's body was only delayed, never dropped: its job is accepted whole.
      holderOut.write(heldBody, MIB, heldBody.length - MIB);
      holderOut.flush();
      Answer held = read(holder.getInputStream());
      assertThat(held.status()).as(held.body()).isEqualTo(202);
      assertThat(publishedFileBytes(idOf(held))).isEqualTo(fileBytes(heldBody));

      // Once the holder's request is answered, its share of the budget is free again. A new
      // connection: on one with a request in progress, a request is admitted whatever the budget.
      try (Socket retrying = connect()) {
        Answer retried = exchange(retrying, secondBody);
        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
      }
    }
  }

  @Test
  void shouldAnswer413ForABodyOverEightMibByDefaultAndReadOneOfExactlyEightMib() {
    // A gateway with the default limits (8 MiB per body, 32 MiB in flight).
    try (TestGateway defaults = TestGateway.withFakeKafka(Map.of())) {
      HttpResponse<String> over = defaults.post("/v1/executions", ascii(validJob(8 * MIB + 1)));
      HttpResponse<String> limit = defaults.post("/v1/executions", ascii(validJob(8 * MIB)));

      assertThat(over.statusCode()).as(over.body()).isEqualTo(413);
      assertThat(over.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(over.body()).contains("the request body is larger than 8388608 bytes");
      // Exactly 8 MiB is received and judged as a job: its files exceed the 4 MiB a job may hold.
      assertThat(limit.statusCode()).as(limit.body()).isEqualTo(400);
      assertThat(limit.body()).contains("files").contains("in all");
    }
  }

  private static String ascii(byte[] body) {
    return new String(body, StandardCharsets.US_ASCII);
  }

  private static String idOf(Answer answer) {
    return (String) Json.object(answer.body()).get("id");
  }

  private static long publishedFileBytes(String id) {
    return gateway.bean(RecordingJobPublisher.class).jobs.stream()
        .filter(job -> job.getJobId().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("job " + id + " was not published"))
        .getFilesList()
        .stream()
        .mapToLong(file -> file.getContent().size())
        .sum();
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

  /**
   * A body of exactly {@code size} bytes: a python job of comment-only files of at most 1 MiB each,
   * so it is valid (202) as long as its files hold at most 4 MiB in all.
   */
  private static byte[] validJob(int size) {
    int files = (size + FILE_CONTENT - 1) / FILE_CONTENT;
    List<String> names = new ArrayList<>();
    int overhead = JOB_PREFIX.length() + JOB_SUFFIX.length() + files - 1;
    for (int i = 0; i < files; i++) {
      names.add(i == 0 ? "main.py" : "f" + i + ".py");
      overhead += fileJson(names.get(i), "").length();
    }
    int content = size - overhead;
    StringBuilder json = new StringBuilder(size).append(JOB_PREFIX);
    for (int i = 0; i < files; i++) {
      int share = content / files + (i < content % files ? 1 : 0);
      json.append(i == 0 ? "" : ",").append(fileJson(names.get(i), "#".repeat(share)));
    }
    byte[] body = json.append(JOB_SUFFIX).toString().getBytes(StandardCharsets.UTF_8);
    assertThat(body).as("test job size").hasSize(size);
    return body;
  }

  private static String fileJson(String name, String content) {
    return "{\"name\":\"" + name + "\",\"content\":\"" + content + "\"}";
  }

  /** The bytes of file content in a body made by {@link #validJob}: all its '#'. */
  private static long fileBytes(byte[] body) {
    long count = 0;
    for (byte b : body) {
      count += b == '#' ? 1 : 0;
    }
    return count;
  }

  private static Answer exchange(Socket socket, byte[] body) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(head(body.length, false));
    out.write(body);
    out.flush();
    return read(socket.getInputStream());
  }

  /** Sends the body with Transfer-Encoding: chunked (no Content-Length), in 256 KiB chunks. */
  private static Answer exchangeChunked(Socket socket, byte[] body) throws IOException {
    OutputStream out = socket.getOutputStream();
    String head =
        "POST /v1/executions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + TestGateway.KEY
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    for (int from = 0; from < body.length; from += 256 * KIB) {
      int length = Math.min(256 * KIB, body.length - from);
      out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, from, length);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
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
    Map<String, String> headers = new HashMap<>();
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
