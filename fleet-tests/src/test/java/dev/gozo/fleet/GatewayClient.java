package dev.gozo.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The gateway's HTTP API as a user calls it: submit an execution, look at it. */
final class GatewayClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String apiKey;

  GatewayClient(String baseUrl, String apiKey) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
  }

  /** POST /v1/executions of one main.py; returns the new execution's id (202 expected). */
  String submitPython(String source) {
    ObjectNode body = JSON.createObjectNode().put("language", "python");
    body.putArray("files").addObject().put("name", "main.py").put("content", source);
    // One Idempotency-Key for the submission and its retries: a 503 may come after the job did
    // reach Kafka (its publish outlived the gateway's wait), and the retry must then be the same
    // job, not a second one (a CI run counted such a job as an unexpected extra result).
    String key = java.util.UUID.randomUUID().toString();
    HttpResponse<String> response = submitOnce(body, key);
    // 503 + Retry-After is the API's "try again shortly" (e.g. the queue's first publish to a
    // freshly started broker outlived the gateway's 2 s budget); a client retries, so do we.
    for (int retry = 0; response.statusCode() == 503 && retry < SUBMIT_RETRIES; retry++) {
      sleepSeconds(response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L));
      response = submitOnce(body, key);
    }
    if (response.statusCode() != 202) {
      throw new AssertionError("submit answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body()).get("id").asText();
  }

  private static final int SUBMIT_RETRIES = 10;

  private HttpResponse<String> submitOnce(ObjectNode body, String idempotencyKey) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + "/v1/executions"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  private static void sleepSeconds(long seconds) {
    try {
      Thread.sleep(seconds * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting to retry a submit", e);
    }
  }

  /** GET /v1/executions/{id} (200 expected). */
  JsonNode execution(String id) {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/executions/" + id)).GET());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET " + id + " answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request
              .header("Authorization", "Bearer " + apiKey)
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
