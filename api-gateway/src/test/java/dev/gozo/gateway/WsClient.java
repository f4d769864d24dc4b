package dev.gozo.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client over the JDK's: the text messages received (as JSON maps), and the close code
 * and reason the server sent. Connecting without a valid key fails with the handshake's status.
 */
public final class WsClient implements WebSocket.Listener, AutoCloseable {

  public final List<Map<String, Object>> messages = new CopyOnWriteArrayList<>();
  public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  public volatile String closeReason;
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  /** Connects with {@code Authorization: Bearer key}, or with no header when key is null. */
  public static WsClient connect(TestGateway gateway, String pathAndQuery, String key) {
    URI http = gateway.uri(pathAndQuery);
    URI ws = URI.create("ws" + http.toString().substring("http".length()));
    WsClient client = new WsClient();
    WebSocket.Builder builder =
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (key != null) {
      builder.header("Authorization", "Bearer " + key);
    }
    client.socket = builder.buildAsync(ws, client).orTimeout(10, TimeUnit.SECONDS).join();
    return client;
  }

  public void send(String text) {
    socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Sends {@code text} in two fragments. */
  public void sendInParts(String text) {
    int half = text.length() / 2;
    socket.sendText(text.substring(0, half), false).orTimeout(10, TimeUnit.SECONDS).join();
    socket.sendText(text.substring(half), true).orTimeout(10, TimeUnit.SECONDS).join();
  }

  public List<String> types() {
    return messages.stream().map(m -> (String) m.get("type")).toList();
  }

  public List<Map<String, Object>> ofType(String type) {
    return messages.stream().filter(m -> type.equals(m.get("type"))).toList();
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
        messages.add(Json.object(partial.toString()));
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
    closeReason = reason;
    closeCode.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closeCode.completeExceptionally(error);
  }

  /** Goes away without a close handshake, as a client whose connection breaks. */
  public void abort() {
    socket.abort();
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
  }
}
