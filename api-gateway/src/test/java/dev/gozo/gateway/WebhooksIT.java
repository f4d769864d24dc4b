package dev.gozo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gozo.protocol.v1.ExecuteJob;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks against a real broker and a real receiver (an HTTP server on 127.0.0.1 only): the test
 * plays the worker by publishing each job's result, and checks what the receiver got.
 */
class WebhooksIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SECRET = "it-s3cret-" + UUID.randomUUID();

  private static KafkaFixture kafka;
  private static TestGateway gateway;
  private static Receiver receiver;

  @BeforeAll
  static void start() throws IOException {
    receiver = new Receiver();
    kafka = new KafkaFixture();
    gateway = TestGateway.withKafka(kafka.bootstrap, webhookProperties(kafka, "it-webhooks"));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void shouldPostTheResultSignedWithTheSecretExactlyAsGetReturnsIt() {
    // given a job with a callback
    String path = "/ok/" + UUID.randomUUID();
    receiver.answer(path, n -> 200);
    ExecuteJob job = kafka.awaitJob(submit(gateway, path));

    // when its worker publishes the result
    kafka.publishResult(KafkaFixture.succeeded(job, "w1", "hello\n".getBytes()));

    // then the receiver gets it once, signed, and it is the GET body
    Delivery delivery = await().atMost(WAIT).until(() -> receiver.first(path), d -> d != null);
    assertThat(delivery.header("Content-Type")).isEqualTo("application/json");
    assertThat(delivery.header("X-Gozo-Signature")).isEqualTo(hmac(delivery.body, SECRET));
    assertThat(delivery.header("X-Gozo-Signature")).isNotEqualTo(hmac(delivery.body, "wrong"));
    assertThat(delivery.header("X-Gozo-Delivery")).startsWith(job.getJobId());
    String get = gateway.get("/v1/executions/" + job.getJobId(), TestGateway.KEY).body();
    assertThat(new String(delivery.body, StandardCharsets.UTF_8)).isEqualTo(get);
    assertThat(Json.object(get)).containsEntry("status", "SUCCEEDED");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> receiver.deliveries(path).size() == 1);
  }

  @Test
  void shouldRetryAfterTwoFailuresWithTheSameDeliveryId() {
    // given a receiver that answers 500 twice, then 200
    String path = "/flaky/" + UUID.randomUUID();
    receiver.answer(path, n -> n <= 2 ? 500 : 200);
    ExecuteJob job = kafka.awaitJob(submit(gateway, path));

    // when
    kafka.publishResult(KafkaFixture.succeeded(job, "w1", "x".getBytes()));

    // then the third attempt is delivered, and nothing after it
    await().atMost(WAIT).until(() -> receiver.deliveries(path).size() >= 3);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> receiver.deliveries(path).size() == 3);
    List<Delivery> all = receiver.deliveries(path);
    assertThat(all).extracting(d -> d.status).containsExactly(500, 500, 200);
    assertThat(all)
        .extracting(d -> d.header("X-Gozo-Delivery"))
        .containsOnly(all.get(0).header("X-Gozo-Delivery"));
    assertThat(all).allSatisfy(d -> assertThat(d.body).isEqualTo(all.get(0).body));
  }

  @Test
  void shouldNotFollowARedirect() {
    // given a receiver that redirects to another path of the same allowed host
    String path = "/redirect/" + UUID.randomUUID();
    String target = "/target/" + UUID.randomUUID();
    receiver.redirect(path, target);
    receiver.answer(target, n -> 200);
    ExecuteJob job = kafka.awaitJob(submit(gateway, path));

    // when
    kafka.publishResult(KafkaFixture.succeeded(job, "w1", "x".getBytes()));

    // then the 302 counts as a failed attempt (retried), and the target is never called
    await().atMost(WAIT).until(() -> receiver.deliveries(path).size() >= 2);
    assertThat(receiver.deliveries(target)).isEmpty();
  }

  @Test
  void shouldRefuseCallbacksOutsideTheAllowList() {
    String otherPort = "http://127.0.0.1:" + (receiver.port() + 1) + "/hook";
    String otherHost = "http://localhost:" + receiver.port() + "/hook";
    String userInfo = "http://u:p@127.0.0.1:" + receiver.port() + "/hook";
    String notHttp = "ftp://127.0.0.1:" + receiver.port() + "/hook";

    for (String url : List.of(otherPort, otherHost, userInfo, notHttp)) {
      HttpResponse<String> response = gateway.post("/v1/executions", job(url, SECRET));
      assertThat(response.statusCode()).as(url).isEqualTo(400);
      assertThat(Json.violationFields(response.body())).as(url).containsExactly("callback.url");
    }
    HttpResponse<String> noSecret = gateway.post("/v1/executions", job(receiver.url("/x"), ""));
    assertThat(noSecret.statusCode()).isEqualTo(400);
    assertThat(Json.violationFields(noSecret.body())).containsExactly("callback.secret");
  }

  @Test
  void shouldRefuseEveryCallbackWhenWebhooksAreOff() {
    // given a gateway without an allow-list
    try (TestGateway off = TestGateway.withKafka(kafka.bootstrap, kafka.gatewayProperties())) {
      // when
      HttpResponse<String> withCallback =
          off.post("/v1/executions", job(receiver.url("/x"), SECRET));
      HttpResponse<String> without = off.post("/v1/executions", GatewayKafkaIT.JOB);

      // then
      assertThat(withCallback.statusCode()).isEqualTo(400);
      assertThat(withCallback.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
      assertThat(Json.violationFields(withCallback.body())).containsExactly("callback");
      assertThat(withCallback.body()).contains("disabled");
      assertThat(without.statusCode()).isEqualTo(202);
    }
  }

  @Test
  void shouldDeliverAfterAGatewayRestart() {
    // given topics and a group of their own, so the shared gateway above cannot deliver these
    try (KafkaFixture own = new KafkaFixture()) {
      Map<String, Object> props = webhookProperties(own, "it-webhooks-restart");
      String pending = "/restart-pending/" + UUID.randomUUID();
      String later = "/restart-later/" + UUID.randomUUID();
      receiver.answer(pending, n -> n <= 1 ? 503 : 200);
      receiver.answer(later, n -> 200);
      ExecuteJob pendingJob;
      ExecuteJob laterJob;
      String firstId;
      try (TestGateway first = TestGateway.withKafka(own.bootstrap, props)) {
        pendingJob = own.awaitJob(submit(first, pending));
        laterJob = own.awaitJob(submit(first, later));
        // a result whose delivery fails once, and the gateway stops before the retry
        own.publishResult(KafkaFixture.succeeded(pendingJob, "w1", "x".getBytes()));
        await().atMost(WAIT).until(() -> receiver.deliveries(pending).size() == 1);
        firstId = receiver.deliveries(pending).get(0).header("X-Gozo-Delivery");
      }
      // a result published while no gateway runs
      own.publishResult(KafkaFixture.succeeded(laterJob, "w1", "y".getBytes()));
      assertThat(receiver.deliveries(pending)).hasSize(1);
      assertThat(receiver.deliveries(later)).isEmpty();

      // when a new gateway (nothing in memory) joins the same topics and group
      try (TestGateway second = TestGateway.withKafka(own.bootstrap, props)) {
        // then both are delivered, the pending one with its first attempt's delivery id
        await()
            .atMost(WAIT)
            .until(
                () ->
                    receiver.deliveries(pending).size() >= 2
                        && !receiver.deliveries(later).isEmpty());
        Delivery retried = receiver.deliveries(pending).get(1);
        assertThat(retried.status).isEqualTo(200);
        assertThat(retried.header("X-Gozo-Delivery")).isEqualTo(firstId);
        assertThat(retried.header("X-Gozo-Signature")).isEqualTo(hmac(retried.body, SECRET));
        assertThat(Json.object(new String(retried.body, StandardCharsets.UTF_8)))
            .containsEntry("id", pendingJob.getJobId());
        Delivery laterDelivery = receiver.deliveries(later).get(0);
        assertThat(Json.object(new String(laterDelivery.body, StandardCharsets.UTF_8)))
            .containsEntry("id", laterJob.getJobId());
      }
    }
  }

  // ---- helpers ----

  private static Map<String, Object> webhookProperties(KafkaFixture fixture, String groupStem) {
    Map<String, Object> props = new HashMap<>(fixture.gatewayProperties());
    props.put("gozo.callback-allowed-hosts", "127.0.0.1:" + receiver.port());
    props.put("gozo.callback-group", groupStem + "-" + UUID.randomUUID());
    props.put("gozo.callback-backoff-ms", 200);
    props.put("gozo.callback-timeout-ms", 2000);
    props.put("gozo.callback-retry-for-ms", 60_000);
    return props;
  }

  private static String submit(TestGateway target, String path) {
    HttpResponse<String> response = target.post("/v1/executions", job(receiver.url(path), SECRET));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return (String) Json.object(response.body()).get("id");
  }

  private static String job(String url, String secret) {
    return GatewayKafkaIT.JOB.substring(0, GatewayKafkaIT.JOB.length() - 1)
        + ", \"callback\": {\"url\": "
        + Json.quote(url)
        + ", \"secret\": "
        + Json.quote(secret)
        + "}}";
  }

  /** What a receiver computes: the lowercase hex HMAC-SHA256 of the bytes it got. */
  private static String hmac(byte[] body, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  record Delivery(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** A webhook receiver on 127.0.0.1: per path, a status for the n-th request, or a redirect. */
  static final class Receiver implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, IntUnaryOperator> answers = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final Map<String, List<Delivery>> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    String url(String path) {
      return "http://127.0.0.1:" + port() + path;
    }

    void answer(String path, IntUnaryOperator statusForNth) {
      answers.put(path, statusForNth);
    }

    void redirect(String path, String target) {
      redirects.put(path, target);
    }

    List<Delivery> deliveries(String path) {
      return List.copyOf(received.getOrDefault(path, List.of()));
    }

    Delivery first(String path) {
      List<Delivery> all = deliveries(path);
      return all.isEmpty() ? null : all.get(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> headers = new HashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      int n = counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      int status;
      if (redirects.containsKey(path)) {
        status = 302;
        exchange.getResponseHeaders().add("Location", url(redirects.get(path)));
      } else {
        status = answers.getOrDefault(path, x -> 404).applyAsInt(n);
      }
      received
          .computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
          .add(new Delivery(status, headers, body));
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
