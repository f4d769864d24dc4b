package dev.gozo.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A client of {@code GET /v1/executions/interactive} over the JDK's WebSocket: the text messages
 * received (as JSON) and the close code the server sent.
 */
final class WsSession implements WebSocket.Listener, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<JsonNode> messages = new CopyOnWriteArrayList<>();
  final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  static WsSession connect(GatewayClient gateway) {
    URI http = gateway.uri("/v1/executions/interactive");
    URI ws = URI.create("ws" + http.toString().substring("http".length()));
    WsSession session = new WsSession();
    session.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .header("Authorization", "Bearer " + gateway.apiKey)
            .buildAsync(ws, session)
            .orTimeout(10, TimeUnit.SECONDS)
            .join();
    return session;
  }

  void send(String text) {
    socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
  }

  List<String> types() {
    return messages.stream().map(m -> m.path("type").asText()).toList();
  }

  /** Everything the program wrote to stdout so far, as the server sent it. */
  String stdout() {
    StringBuilder out = new StringBuilder();
    messages.stream()
        .filter(m -> "stdout".equals(m.path("type").asText()))
        .forEach(m -> out.append(m.path("data").asText()));
    return out.toString();
  }

  JsonNode result() {
    return messages.stream()
        .filter(m -> "result".equals(m.path("type").asText()))
        .findFirst()
        .orElse(null);
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    synchronized (partial) {
      partial.append(data);
      if (last) {
        try {
          messages.add(JSON.readTree(partial.toString()));
        } catch (IOException e) {
          messages.add(
              JSON.createObjectNode().put("type", "unparsable").put("text", partial.toString()));
        }
        partial.setLength(0);
      }
    }
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closeCode.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closeCode.completeExceptionally(error);
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
  }
}
