package dev.gozo.gateway.compat.piston;

import dev.gozo.gateway.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/** Sends Piston requests the way Piston's clients do: any Content-Type or none, a key or none. */
final class PistonClient {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private PistonClient() {}

  /**
   * POST /api/v2/execute with {@code contentType} (null: no header) and {@code key} (null: none).
   */
  static CompletableFuture<HttpResponse<String>> execute(
      TestGateway gateway, String body, String contentType, String key) {
    HttpRequest.Builder request =
        gateway.request("/api/v2/execute").POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** With the test tenant's key, as JSON. */
  static CompletableFuture<HttpResponse<String>> execute(TestGateway gateway, String body) {
    return execute(gateway, body, "application/json", TestGateway.KEY);
  }
}
