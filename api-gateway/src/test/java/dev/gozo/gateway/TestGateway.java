package dev.gozo.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A gateway running in this JVM on a random port of 127.0.0.1, and a plain JDK HTTP client for it
 * (so tests see exactly the bytes a client would). Environment variables are ignored, so a
 * developer's GOZO_* settings cannot change a test.
 */
public final class TestGateway implements AutoCloseable {

  /** Environment that swaps Kafka for in-memory fakes (see the fakes package). */
  public static final String FAKE_KAFKA = "fake-kafka";

  public static final String TENANT = "acme";
  public static final String KEY = "acme-key-0123456789";
  public static final String OTHER_TENANT = "globex";
  public static final String OTHER_KEY = "globex-key-0123456789";

  private final EmbeddedServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestGateway(EmbeddedServer server) {
    this.server = server;
  }

  /** A gateway whose Kafka is faked: for tests of HTTP behaviour. */
  public static TestGateway withFakeKafka(Map<String, Object> extra) {
    return start(extra, FAKE_KAFKA);
  }

  /** A gateway talking to a real broker. */
  public static TestGateway withKafka(String bootstrap, Map<String, Object> extra) {
    Map<String, Object> props = new HashMap<>(extra);
    props.put("gozo.kafka-bootstrap", bootstrap);
    return start(props);
  }

  private static TestGateway start(Map<String, Object> extra, String... environments) {
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.port", -1);
    props.put("micronaut.server.host", "127.0.0.1");
    props.put("gozo.api-keys", TENANT + ":" + KEY + "," + OTHER_TENANT + ":" + OTHER_KEY);
    props.putAll(extra);
    ApplicationContext context =
        ApplicationContext.builder()
            .environmentPropertySource(false)
            .deduceEnvironment(false)
            .environments(environments)
            .properties(props)
            .start();
    EmbeddedServer server = context.getBean(EmbeddedServer.class);
    server.start();
    return new TestGateway(server);
  }

  public ApplicationContext context() {
    return server.getApplicationContext();
  }

  public <T> T bean(Class<T> type) {
    return context().getBean(type);
  }

  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.getPort() + pathAndQuery);
  }

  public HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60));
  }

  /** POST of a JSON body with the first tenant's key. */
  public HttpResponse<String> post(String pathAndQuery, String json) {
    return send(
        request(pathAndQuery)
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  public CompletableFuture<HttpResponse<String>> postAsync(String pathAndQuery, String json) {
    return http.sendAsync(
        request(pathAndQuery)
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GET with the given key (null: no Authorization header). */
  public HttpResponse<String> get(String pathAndQuery, String key) {
    HttpRequest.Builder request = request(pathAndQuery).GET();
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return send(request.build());
  }

  public CompletableFuture<HttpResponse<String>> getAsync(String pathAndQuery, String key) {
    return http.sendAsync(
        request(pathAndQuery).header("Authorization", "Bearer " + key).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> send(HttpRequest request) {
    return send(http, request);
  }

  /**
   * Sends on a connection of its own, for requests after which the server closes the connection (a
   * request line it cannot parse): on the shared client, the next request could pick up that
   * connection from the pool just as it closes and fail with "received no bytes".
   */
  public HttpResponse<String> sendOnOwnConnection(HttpRequest request) {
    HttpClient own = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return send(own, request);
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("request to the gateway failed: " + request, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.getApplicationContext().close();
  }
}
