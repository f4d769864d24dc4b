package dev.gozo.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One subscriber of {@code GET /v1/executions/{id}/events}, reading on a thread of its own: the
 * events received so far, each with the moment it arrived, and whether the server ended the stream.
 * {@link #close()} drops the connection, as a client that goes away would.
 */
final class SseSubscriber implements AutoCloseable {

  /** One event as received; {@code receivedNanos} is {@link System#nanoTime()} on arrival. */
  record Event(String id, String name, String data, long receivedNanos) {}

  final List<Event> events = new CopyOnWriteArrayList<>();
  final int status;
  private final InputStream body;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean endedByServer;

  private SseSubscriber(HttpResponse<InputStream> response) {
    this.status = response.statusCode();
    this.body = response.body();
    Thread reader = new Thread(this::read, "sse-subscriber");
    reader.setDaemon(true);
    reader.start();
  }

  static SseSubscriber open(GatewayClient gateway, String id, String lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(gateway.uri("/v1/executions/" + id + "/events"))
            .header("Authorization", "Bearer " + gateway.apiKey)
            .header("Accept", "text/event-stream")
            .GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      // A client of its own: one connection per stream, closed with it.
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      return new SseSubscriber(
          http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the event stream of " + id, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the stream ended (by the server or by a broken connection). */
  boolean awaitEnd(Duration timeout) {
    try {
      return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** True when the server ended the stream (not a broken connection, not {@link #close()}). */
  boolean endedByServer() {
    return endedByServer;
  }

  List<String> names() {
    return events.stream().map(Event::name).toList();
  }

  Event last() {
    return events.get(events.size() - 1);
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String id = null;
      String name = null;
      StringBuilder data = null;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null || name != null) {
            events.add(new Event(id, name, data == null ? "" : data.toString(), System.nanoTime()));
          }
          id = null;
          name = null;
          data = null;
        } else if (line.startsWith("id:")) {
          id = value(line);
        } else if (line.startsWith("event:")) {
          name = value(line);
        } else if (line.startsWith("data:")) {
          data =
              data == null ? new StringBuilder(value(line)) : data.append('\n').append(value(line));
        }
        // ":" lines are heartbeats
      }
      endedByServer = true;
    } catch (IOException e) {
      // closed by close(), or the connection dropped
    } finally {
      done.countDown();
    }
  }

  private static String value(String line) {
    String value = line.substring(line.indexOf(':') + 1);
    return value.startsWith(" ") ? value.substring(1) : value;
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
