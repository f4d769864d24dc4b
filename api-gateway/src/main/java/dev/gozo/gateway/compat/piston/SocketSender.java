package dev.gozo.gateway.compat.piston;

import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes one WebSocket's messages in order and knows how many are still unwritten, so a live stream
 * can wait for a slow client ({@link #ready()}) instead of buffering for it, and a close goes out
 * only after every message before it.
 *
 * <p>{@code InteractiveSession} holds the same few lines for our own WebSocket; this class could
 * serve both from {@code live} (interactive may not be depended on, compat is no place for it).
 */
final class SocketSender {

  /** Sends in flight before the live stream waits for the client to read. */
  private static final int MAX_UNACKNOWLEDGED_SENDS = 64;

  private final WebSocketSession socket;
  private final Runnable onWritten;
  private final AtomicInteger unacknowledged = new AtomicInteger();
  private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

  /** {@code onWritten} runs after each message is written (to ask the live stream for more). */
  SocketSender(WebSocketSession socket, Runnable onWritten) {
    this.socket = socket;
    this.onWritten = onWritten;
  }

  boolean ready() {
    return socket.isOpen() && unacknowledged.get() < MAX_UNACKNOWLEDGED_SENDS;
  }

  void send(String text) {
    unacknowledged.incrementAndGet();
    CompletableFuture<String> sent = socket.sendAsync(text);
    synchronized (this) {
      lastSend = sent;
    }
    sent.whenComplete(
        (ok, error) -> {
          unacknowledged.decrementAndGet();
          onWritten.run();
        });
  }

  void ping() {
    socket.sendPingAsync(new byte[0]);
  }

  /** Closes with {@code reason} once the messages sent before are written. */
  void closeAfterSends(CloseReason reason) {
    CompletableFuture<?> last;
    synchronized (this) {
      last = lastSend;
    }
    last.whenComplete(
        (ok, error) -> {
          if (socket.isOpen()) {
            socket.close(reason);
          }
        });
  }
}
