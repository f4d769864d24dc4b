package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Throws garbage at every endpoint: bad bodies, types, methods, paths, headers and query values.
 * Whatever comes in, the answer is never a 5xx, and every error is a problem document.
 */
class GarbageInputTest {

  private static final String[] PATHS = {
    "/v1/executions",
    "/v1/executions/",
    "/v1/executions/01a2167f-5e0e-7f98-9c5c-d876fbedd97e",
    "/v1/executions/%00",
    "/v1/executions/%FF%FE",
    "/v1/executions/..%2F..%2Fetc%2Fpasswd",
    "/v1/executions/" + "a".repeat(3000),
    "/v1/executions/x/y/z",
    "/v1/executions?wait=true&timeoutMs=1",
    "/v1/executions?wait=%FF&timeoutMs=99999999999999999999999",
    "/v1/executions?timeoutMs=-5&wait=true&wait=false",
    "/v1/executions/abc?wait=true&timeoutMs=1",
    "/v1/executions/abc?wait=&timeoutMs=",
    "/v1/runtimes",
    "/v1/runtimes/python",
    "/health",
    "/health?verbose=%25%25",
    "/",
    "/v1",
    "/%2e%2e/%2e%2e/",
  };

  private static final String[] METHODS = {
    "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"
  };

  private static final String VALID =
      "{\"language\": \"python\", \"version\": \"3\", \"files\": [{\"name\": \"main.py\","
          + " \"content\": \"print(1)\", \"encoding\": \"utf8\"}], \"stdin\": \"\", \"args\": [],"
          + " \"limits\": {\"wallTimeMs\": 1000, \"cpuTimeMs\": 1000, \"memoryMb\": 64,"
          + " \"processes\": 8, \"outputBytes\": 1000}}";

  /** Values substituted for each value of the valid request, one at a time. */
  private static final String[] WRONG_VALUES = {
    "null",
    "0",
    "-1",
    "1.5",
    "1e309",
    "-9223372036854775809",
    "\"\"",
    "\"\\u0000\"",
    "[]",
    "{}",
    "true",
    "[null]",
    "[{}]",
    "[[]]",
    "\"" + "z".repeat(10_000) + "\"",
    "\"\\ud800\"",
    "\"../..\"",
  };

  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.withFakeKafka(Map.of("gozo.max-body-bytes", 200_000));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void shouldNeverAnswer5xxForAnyMethodPathOrBody() {
    List<byte[]> bodies = garbageBodies();
    int requests = 0;
    for (String path : PATHS) {
      for (String method : METHODS) {
        for (byte[] body : bodies) {
          for (String contentType : new String[] {"application/json", "text/plain"}) {
            HttpRequest request =
                gateway
                    .request(path)
                    .header("Authorization", "Bearer " + TestGateway.KEY)
                    .header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            assertSane(request, gateway.send(request));
            requests++;
          }
        }
      }
    }
    assertThat(requests).isGreaterThan(1000);
  }

  @Test
  void shouldNeverAnswer5xxForAnyWrongValueInAnyField() {
    for (String mutated : mutations(VALID)) {
      HttpRequest request =
          gateway
              .request("/v1/executions")
              .header("Authorization", "Bearer " + TestGateway.KEY)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(mutated))
              .build();
      HttpResponse<String> response = gateway.send(request);
      assertSane(request, response);
      assertThat(response.statusCode()).as(mutated).isIn(202, 400);
    }
  }

  @Test
  void shouldAnswerAProblemForARequestLineTooLongToParse() {
    HttpRequest request =
        gateway
            .request("/v1/executions/" + "a".repeat(10_000))
            .header("Authorization", "Bearer " + TestGateway.KEY)
            .GET()
            .build();

    HttpResponse<String> response = gateway.sendOnOwnConnection(request);

    assertThat(response.statusCode()).isIn(400, 413, 414);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  void shouldNeverAnswer5xxForStrangeHeaders() {
    String[][] headers = {
      {"Authorization", "Bearer " + "k".repeat(6000)},
      {"Authorization", "Bearer \u00e9\u00e8"},
      {"Authorization", "Bearer  " + TestGateway.KEY + " "},
      {"Authorization", "Bearer"},
      {"Content-Type", "application/json; charset=latin1"},
      {"Content-Type", "application/json; charset=utf-16"},
      {"Content-Type", "???"},
      {"Content-Type", "application/problem+json"},
      {"Accept", "text/html"},
      {"Accept", "image/png"},
      {"Accept", "*/*;q=abc"},
      {"Accept-Encoding", "gzip;q=2, br"},
    };
    for (String path : PATHS) {
      for (String[] header : headers) {
        HttpRequest request =
            gateway
                .request(path)
                .header("Authorization", "Bearer " + TestGateway.KEY)
                .header("Content-Type", "application/json")
                .setHeader(header[0], header[1])
                .POST(HttpRequest.BodyPublishers.ofString(VALID))
                .build();
        assertSane(request, gateway.send(request));
      }
    }
  }

  @Test
  void shouldSurviveBytesThatAreNotHttp() throws Exception {
    byte[][] garbage = {
      "GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
      "GET /health HTTP/9.9\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
      "GET /health?verbose=%%% HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
      "GET /v1/executions/%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII),
      "POST /v1/executions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}"
          .getBytes(StandardCharsets.US_ASCII),
      "POST /v1/executions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n"
          .getBytes(StandardCharsets.US_ASCII),
      new Random(7)
          .ints(512, 0, 256)
          .collect(
              () -> new java.io.ByteArrayOutputStream(), (out, b) -> out.write(b), (a, b) -> {})
          .toByteArray(),
    };
    for (byte[] bytes : garbage) {
      try (Socket socket =
          new Socket(InetAddress.getLoopbackAddress(), gateway.uri("/").getPort())) {
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        socket.shutdownOutput();
        InputStream in = socket.getInputStream();
        String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        // Closing the connection is a fine answer to garbage; a 5xx is not.
        assertThat(answer)
            .as(new String(bytes, StandardCharsets.ISO_8859_1))
            .doesNotStartWith("HTTP/1.1 5");
      }
    }
    // and the server still works
    assertThat(gateway.get("/v1/runtimes", null).statusCode()).isEqualTo(200);
  }

  private static void assertSane(HttpRequest request, HttpResponse<String> response) {
    String uri = request.uri().toString();
    String what =
        request.method()
            + " "
            + (uri.length() > 200 ? uri.substring(0, 200) + "..." : uri)
            + " -> "
            + response.statusCode()
            + " "
            + (response.body().length() > 500
                ? response.body().substring(0, 500)
                : response.body());
    assertThat(response.statusCode()).as(what).isLessThan(500);
    boolean compressed = response.headers().firstValue("Content-Encoding").isPresent();
    if (response.statusCode() >= 400 && !request.method().equals("HEAD") && !compressed) {
      assertThat(response.headers().firstValue("Content-Type"))
          .as(what)
          .contains("application/problem+json");
      assertThat(Json.object(response.body()))
          .as(what)
          .containsEntry("status", response.statusCode());
    }
  }

  private static List<byte[]> garbageBodies() {
    Random random = new Random(42);
    List<byte[]> bodies = new ArrayList<>();
    bodies.add(new byte[0]);
    bodies.add(VALID.getBytes(StandardCharsets.UTF_8));
    bodies.add("{".getBytes(StandardCharsets.UTF_8));
    bodies.add("[]".getBytes(StandardCharsets.UTF_8));
    bodies.add("null".getBytes(StandardCharsets.UTF_8));
    bodies.add("\"\\ud800\"".getBytes(StandardCharsets.UTF_8));
    bodies.add(("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8));
    bodies.add(("{\"a\":".repeat(2000) + "1" + "}".repeat(2000)).getBytes(StandardCharsets.UTF_8));
    bodies.add(
        ("{\"limits\": {\"wallTimeMs\": 1" + "0".repeat(5000) + "}}")
            .getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 4; i++) {
      byte[] noise = new byte[random.nextInt(2000) + 1];
      random.nextBytes(noise);
      bodies.add(noise);
    }
    return bodies;
  }

  /** The valid request with each of its values replaced, in turn, by each wrong value. */
  private static List<String> mutations(String json) {
    // Positions of values: after each ':' and after '[' or ',' inside arrays, approximated by
    // replacing each literal that follows ':' (strings, numbers, arrays, objects).
    List<String> out = new ArrayList<>();
    List<int[]> spans = valueSpans(json);
    for (int[] span : spans) {
      for (String wrong : WRONG_VALUES) {
        out.add(json.substring(0, span[0]) + wrong + json.substring(span[1]));
      }
    }
    return out;
  }

  /** Start and end of every value that follows a ':' in {@code json} (including nested ones). */
  private static List<int[]> valueSpans(String json) {
    List<int[]> spans = new ArrayList<>();
    for (int i = 0; i < json.length(); i++) {
      if (json.charAt(i) != ':') {
        continue;
      }
      int start = i + 1;
      while (json.charAt(start) == ' ') {
        start++;
      }
      spans.add(new int[] {start, endOfValue(json, start)});
    }
    return spans;
  }

  private static int endOfValue(String json, int start) {
    char first = json.charAt(start);
    if (first == '"') {
      int i = start + 1;
      while (json.charAt(i) != '"') {
        i += json.charAt(i) == '\\' ? 2 : 1;
      }
      return i + 1;
    }
    if (first == '[' || first == '{') {
      int depth = 0;
      boolean inString = false;
      for (int i = start; i < json.length(); i++) {
        char c = json.charAt(i);
        if (inString) {
          if (c == '\\') {
            i++;
          } else if (c == '"') {
            inString = false;
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '[' || c == '{') {
          depth++;
        } else if ((c == ']' || c == '}') && --depth == 0) {
          return i + 1;
        }
      }
      throw new IllegalArgumentException("unbalanced: " + json);
    }
    int i = start;
    while (i < json.length() && ",}] ".indexOf(json.charAt(i)) < 0) {
      i++;
    }
    return i;
  }
}
