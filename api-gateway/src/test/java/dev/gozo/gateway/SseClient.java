package dev.gozo.gateway;

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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server-sent events client over the JDK's HTTP client, reading on a thread of its own: the
 * events received so far, the comments (heartbeats), and whether the server ended the stream.
 * {@link #close()} drops the connection, as a client that goes away would. {@link #stalled} opens
 * the stream and reads nothing until {@link #resume()}.
 */
public final class SseClient implements AutoCloseable {

  /** One event as received. */
  public record Event(String id, String name, String data) {}

  public final List<Event> events = new CopyOnWriteArrayList<>();
  public final AtomicInteger comments = new AtomicInteger();
  public final AtomicBoolean ended = new AtomicBoolean();
  public final int status;
  public final String contentType;
  private final InputStream body;
  private final Thread reader;
  private final Object gate = new Object();
  private boolean stalled;

  private SseClient(HttpResponse<InputStream> response, boolean stalled) {
    this.status = response.statusCode();
    this.contentType = response.headers().firstValue("Content-Type").orElse("");
    this.body = response.body();
    this.stalled = stalled;
    this.reader = new Thread(this::read, "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  public static SseClient open(TestGateway gateway, String path, String key, String lastEventId) {
    return open(gateway, path, key, lastEventId, false);
  }

  public static SseClient stalled(TestGateway gateway, String path, String key) {
    return open(gateway, path, key, null, true);
  }

  private static SseClient open(
      TestGateway gateway, String path, String key, String lastEventId, boolean stalled) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(gateway.uri(path))
            .header("Authorization", "Bearer " + key)
            .header("Accept", "text/event-stream")
            .GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      // A client of its own: one connection per stream, closed with it.
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      return new SseClient(
          http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()), stalled);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts reading a stalled stream. */
  public void resume() {
    synchronized (gate) {
      stalled = false;
      gate.notifyAll();
    }
  }

  public List<String> names() {
    return events.stream().map(Event::name).toList();
  }

  public List<String> ids() {
    return events.stream().map(Event::id).toList();
  }

  public Event last() {
    return events.get(events.size() - 1);
  }

  private void read() {
    try {
      synchronized (gate) {
        while (stalled) {
          gate.wait();
        }
      }
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      String id = null;
      String name = null;
      StringBuilder data = null;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null || name != null) {
            events.add(new Event(id, name, data == null ? "" : data.toString()));
          }
          id = null;
          name = null;
          data = null;
        } else if (line.startsWith(":")) {
          comments.incrementAndGet();
        } else if (line.startsWith("id:")) {
          id = value(line);
        } else if (line.startsWith("event:")) {
          name = value(line);
        } else if (line.startsWith("data:")) {
          data =
              data == null ? new StringBuilder(value(line)) : data.append('\n').append(value(line));
        }
      }
      ended.set(true);
    } catch (IOException e) {
      // closed by close(), or the connection dropped
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String value(String line) {
    String value = line.substring(line.indexOf(':') + 1);
    return value.startsWith(" ") ? value.substring(1) : value;
  }

  @Override
  public void close() {
    resume();
    try {
      body.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
