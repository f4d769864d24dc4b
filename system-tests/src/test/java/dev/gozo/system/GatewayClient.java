package dev.gozo.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to one gateway process over its HTTP API. */
final class GatewayClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final int port;
  final String apiKey;
  final ManagedProcess process;

  GatewayClient(int port, String apiKey, ManagedProcess process) {
    this.port = port;
    this.apiKey = apiKey;
    this.process = process;
  }

  record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

  /** Every status an execution ends in (README, "Job statuses"): waiting stops at these. */
  static final java.util.Set<String> FINAL_STATUSES =
      java.util.Set.of(
          "SUCCEEDED",
          "WRONG_ANSWER",
          "RUNTIME_ERROR",
          "COMPILE_ERROR",
          "TIME_LIMIT_EXCEEDED",
          "MEMORY_LIMIT_EXCEEDED",
          "OUTPUT_LIMIT_EXCEEDED",
          "REJECTED",
          "INTERNAL_ERROR",
          "CANCELLED");

  static String pythonJob(String code) {
    try {
      return JSON.writeValueAsString(
          JSON.createObjectNode()
              .put("language", "python")
              .set(
                  "files",
                  JSON.createArrayNode()
                      .add(JSON.createObjectNode().put("name", "main.py").put("content", code))));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  Reply submit(String json, String query) {
    return submit(json, query, null);
  }

  Reply submit(String json, String query, String idempotencyKey) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri("/v1/executions" + query));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return send(
        request
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  Reply get(String id) {
    return send(
        HttpRequest.newBuilder(uri("/v1/executions/" + id))
            .header("Authorization", "Bearer " + apiKey)
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build());
  }

  Reply delete(String id) {
    return send(
        HttpRequest.newBuilder(uri("/v1/executions/" + id))
            .header("Authorization", "Bearer " + apiKey)
            .timeout(Duration.ofSeconds(10))
            .DELETE()
            .build());
  }

  /** The same gateway, spoken to with another tenant's key. */
  GatewayClient withKey(String otherKey) {
    return new GatewayClient(port, otherKey, process);
  }

  int health() {
    return send(HttpRequest.newBuilder(uri("/health"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build())
        .status();
  }

  void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.alive()) {
        throw new IllegalStateException(process.name() + " died:\n" + process.log());
      }
      try {
        if (health() == 200) {
          return;
        }
      } catch (RuntimeException e) {
        // not up yet
      }
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        // Not "healthy": a caller that went on would test a gateway nobody saw answer.
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + process.name(), e);
      }
    }
    throw new IllegalStateException(process.name() + " not healthy in time:\n" + process.log());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body =
          response.body() == null || response.body().isBlank()
              ? JSON.nullNode()
              : JSON.readTree(response.body());
      return new Reply(response.statusCode(), body, response);
    } catch (IOException e) {
      throw new IllegalStateException("HTTP request failed: " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
