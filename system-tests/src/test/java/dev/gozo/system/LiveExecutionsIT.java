package dev.gozo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live executions through the real system (broker, a worker running real containers, gateways): the
 * event stream's order and timing, resuming it after a dropped connection and after a gateway
 * restart, interactive input, Ctrl-C and EOF over the WebSocket, cancel of a running and of a
 * queued job, tenant isolation on the new endpoints, an output flood with memory flat, and a reader
 * that never reads holding up nobody.
 */
class LiveExecutionsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MIB = 1024 * 1024;

  private static SystemUnderTest system;
  private static GatewayClient gateway;
  private static ManagedProcess worker;

  @BeforeAll
  static void startSystem() {
    system = new SystemUnderTest();
    system.startBroker();
    system.createTopics();
    gateway = system.startGateway("live");
    // Two slots (SystemUnderTest's GOZO_WORKER_CONCURRENCY): the queued-cancel test fills both.
    worker = system.startWorker("live", Map.of());
    // The worker is up once it ran something: timings below do not include its start.
    String warmUp = submit(python("print('warm')", 10_000, 65_536));
    assertThat(awaitFinal(warmUp, Duration.ofSeconds(120)).get("status").asText())
        .isEqualTo("SUCCEEDED");
  }

  @AfterAll
  static void stopSystem() {
    system.close();
  }

  @Test
  void shouldStreamStagesAndOutputInTheOrderWrittenWithTheResultLast() {
    // given: writes alternating between stdout and stderr. Docker reads the two pipes
    // separately, so two writes within the same millisecond may swap; 100 ms between writes
    // makes the order the program wrote in the only right one.
    String id =
        submit(
            python(
                "import sys, time\n"
                    + "for i, s in enumerate('abcdef'):\n"
                    + "    out = sys.stdout if i % 2 == 0 else sys.stderr\n"
                    + "    out.write(s + '\\n')\n"
                    + "    out.flush()\n"
                    + "    time.sleep(0.1)\n",
                10_000, 65_536));

    // when
    List<SseSubscriber.Event> events = followToEnd(gateway, id, null);

    // then: queued, started, stage run, the six writes in order, the result last
    List<String> names = events.stream().map(SseSubscriber.Event::name).toList();
    assertThat(names.subList(0, 3)).containsExactly("queued", "started", "stage");
    assertThat(names.get(names.size() - 1)).isEqualTo("result");
    assertThat(json(events.get(2).data()).get("stage").asText()).isEqualTo("run");
    assertThat(writes(events.subList(3, events.size() - 1)))
        .containsExactly(
            "stdout:a\n", "stderr:b\n", "stdout:c\n", "stderr:d\n", "stdout:e\n", "stderr:f\n");
    assertStrictlyOrderedIds(events);
    JsonNode result = json(events.get(events.size() - 1).data());
    assertThat(result.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(result).isEqualTo(gateway.get(id).body());
  }

  @Test
  void shouldDeliverTheFirstLineBeforeTheSecondIsPrinted() {
    // given
    String id =
        submit(
            python(
                "import time\nprint('first', flush=True)\ntime.sleep(2)\nprint('second')\n",
                10_000,
                65_536));

    // when
    List<SseSubscriber.Event> events = followToEnd(gateway, id, null);

    // then: 'first' arrived while the program still slept, well before 'second' was printed.
    // python runs unbuffered (-u), so print writes the text and its newline separately and the
    // line may come as two events: what counts is when the whole line was there.
    long firstAt = arrivalOf(events, "first\n");
    long secondAt = arrivalOf(events, "first\nsecond\n");
    long gapMs = TimeUnit.NANOSECONDS.toMillis(secondAt - firstAt);
    assertThat(gapMs).as("ms between the two lines' arrival").isGreaterThanOrEqualTo(1_500);
    assertThat(json(events.get(events.size() - 1).data()).get("status").asText())
        .isEqualTo("SUCCEEDED");
  }

  @Test
  void shouldResumeAfterAForcedDisconnectWithNothingLostOrRepeated() {
    // given: a job printing ten lines over about three seconds, and a reader that leaves early
    String id = submit(python(tenSlowLines(), 20_000, 65_536));
    SseSubscriber early = SseSubscriber.open(gateway, id, null);
    await().atMost(Duration.ofSeconds(60)).until(() -> early.events.size() >= 5);
    early.close();
    early.awaitEnd(Duration.ofSeconds(5));
    List<SseSubscriber.Event> before = List.copyOf(early.events);
    assertThat(before.get(before.size() - 1).name()).isNotEqualTo("result");

    // when: it comes back with the last id it saw
    List<SseSubscriber.Event> after = followToEnd(gateway, id, before.get(before.size() - 1).id());

    // then: together they are exactly the whole stream, as a fresh reader replays it
    List<SseSubscriber.Event> together = new ArrayList<>(before);
    together.addAll(after);
    assertSameStream(together, followToEnd(gateway, id, null));
    assertThat(stdout(together)).isEqualTo(expectedTenLines());
  }

  @Test
  void shouldResumeOnANewGatewayAfterTheOneStreamingWasStopped() {
    // given: a reader on a gateway of its own, part way through a running job's stream
    GatewayClient doomed = system.startGateway("doomed");
    String id = submit(python(tenSlowLines(), 20_000, 65_536));
    SseSubscriber early = SseSubscriber.open(doomed, id, null);
    await().atMost(Duration.ofSeconds(60)).until(() -> early.events.size() >= 5);

    // when: that gateway stops, and the reader goes to a newly started one with its last id
    assertThat(doomed.process.terminate(Duration.ofSeconds(30))).isNotEqualTo(-1);
    assertThat(early.awaitEnd(Duration.ofSeconds(10))).isTrue();
    List<SseSubscriber.Event> before = List.copyOf(early.events);
    assertThat(before.get(before.size() - 1).name()).isNotEqualTo("result");
    GatewayClient fresh = system.startGateway("fresh");
    List<SseSubscriber.Event> after = followToEnd(fresh, id, before.get(before.size() - 1).id());

    // then: nothing lost, nothing doubled
    List<SseSubscriber.Event> together = new ArrayList<>(before);
    together.addAll(after);
    assertSameStream(together, followToEnd(gateway, id, null));
    assertThat(stdout(together)).isEqualTo(expectedTenLines());
    fresh.process.close();
  }

  @Test
  void shouldAnswerTwoInputPromptsTypedOverTheWebSocket() throws Exception {
    try (WsSession ws = WsSession.connect(gateway)) {
      // given
      ws.send(
          python(
              "a = input('name? ')\nprint('hello', a, flush=True)\n"
                  + "b = input('age? ')\nprint('in a year', int(b) + 1)\n",
              20_000,
              65_536));

      // when: each answer is typed once its prompt is shown
      await().atMost(Duration.ofSeconds(60)).until(() -> ws.stdout().contains("name? "));
      ws.send("{\"type\":\"stdin\",\"data\":\"Ada\\n\"}");
      await().atMost(Duration.ofSeconds(20)).until(() -> ws.stdout().contains("age? "));
      ws.send("{\"type\":\"stdin\",\"data\":\"36\\n\"}");

      // then: the result comes last, equal to the GET body, and the socket closes normally
      assertThat(ws.closeCode.get(30, TimeUnit.SECONDS)).isEqualTo(1000);
      List<String> types = ws.types();
      assertThat(types.subList(0, 3)).containsExactly("queued", "started", "stage");
      assertThat(types.get(types.size() - 1)).isEqualTo("result");
      JsonNode result = ws.result();
      assertThat(result.get("status").asText()).isEqualTo("SUCCEEDED");
      assertThat(result.get("run").get("stdout").asText())
          .isEqualTo("name? hello Ada\nage? in a year 37\n");
      assertThat(ws.stdout()).isEqualTo("name? hello Ada\nage? in a year 37\n");
      String id = ws.messages.get(0).get("id").asText();
      ObjectNode withoutType = ((ObjectNode) result.deepCopy());
      withoutType.remove("type");
      assertThat(withoutType).isEqualTo(gateway.get(id).body());
    }
  }

  @Test
  void shouldDeliverCtrlCToAProgramThatHandlesKeyboardInterrupt() throws Exception {
    try (WsSession ws = WsSession.connect(gateway)) {
      // given
      ws.send(
          python(
              "import time\ntry:\n    print('ready', flush=True)\n    time.sleep(25)\n"
                  + "except KeyboardInterrupt:\n    print('interrupted')\n    raise SystemExit(3)\n",
              30_000,
              65_536));
      await().atMost(Duration.ofSeconds(60)).until(() -> ws.stdout().contains("ready"));

      // when
      long sentAt = System.nanoTime();
      ws.send("{\"type\":\"signal\",\"signal\":\"SIGINT\"}");

      // then: the handler ran (not the 25 s sleep to its end)
      assertThat(ws.closeCode.get(30, TimeUnit.SECONDS)).isEqualTo(1000);
      assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isLessThan(Duration.ofSeconds(10));
      JsonNode result = ws.result();
      assertThat(result.get("run").get("stdout").asText()).isEqualTo("ready\ninterrupted\n");
      assertThat(result.get("run").get("exitCode").asInt()).isEqualTo(3);
      assertThat(result.get("status").asText()).isEqualTo("RUNTIME_ERROR");
    }
  }

  @Test
  void shouldEndCatWithEndOfInputSentOverTheWebSocket() throws Exception {
    try (WsSession ws = WsSession.connect(gateway)) {
      // given: cat, waiting for input
      ws.send(job("bash", "main.sh", "cat\necho done\n", 30_000, 65_536));
      ws.send("{\"type\":\"stdin\",\"data\":\"one\\n\"}");
      await().atMost(Duration.ofSeconds(60)).until(() -> ws.stdout().contains("one"));

      // when
      ws.send("{\"type\":\"stdin\",\"eof\":true}");

      // then: cat ended and the script went on
      assertThat(ws.closeCode.get(30, TimeUnit.SECONDS)).isEqualTo(1000);
      JsonNode result = ws.result();
      assertThat(result.get("status").asText()).isEqualTo("SUCCEEDED");
      assertThat(result.get("run").get("stdout").asText()).isEqualTo("one\ndone\n");
      assertThat(ws.types().get(ws.types().size() - 1)).isEqualTo("result");
    }
  }

  @Test
  void shouldCancelARunningJobKeepingItsOutputSoFar() {
    // given
    String id =
        submit(
            python("import time\nprint('working', flush=True)\ntime.sleep(25)\n", 30_000, 65_536));
    SseSubscriber watcher = SseSubscriber.open(gateway, id, null);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> watcher.events.stream().anyMatch(e -> e.data().contains("working")));

    // when
    long cancelledAt = System.nanoTime();
    GatewayClient.Reply cancel = gateway.delete(id);

    // then
    assertThat(cancel.status()).as(cancel.raw().body()).isEqualTo(202);
    assertThat(cancel.body().get("cancelRequested").asBoolean()).isTrue();
    JsonNode done = awaitFinal(id, Duration.ofSeconds(5));
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(3));
    assertThat(done.get("status").asText()).isEqualTo("CANCELLED");
    assertThat(done.get("run").get("stdout").asText()).isEqualTo("working\n");
    assertThat(watcher.awaitEnd(Duration.ofSeconds(10))).isTrue();
    assertThat(watcher.last().name()).isEqualTo("result");
    assertThat(json(watcher.last().data())).isEqualTo(done);
  }

  @Test
  void shouldCancelAQueuedJobSoThatItNeverRuns() {
    // given: both of the worker's slots busy with sleepers, and one more job behind them. Two
    // sleepers must take both slots: when the jobs topic had a partition per slot, two jobs that
    // hashed to one slot's partitions queued behind each other while the other slot idled
    // (docs/adr/0006).
    String sleeper =
        python("import time\nprint('asleep', flush=True)\ntime.sleep(25)\n", 30_000, 65_536);
    List<String> sleepers = List.of(submit(sleeper), submit(sleeper));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(sleepers.stream().map(LiveExecutionsIT::status).toList())
                    .as("worker log:\n%s", tail(worker.log()))
                    .filteredOn("RUNNING"::equals)
                    .hasSize(2));
    String queued = submit(python("print('should never run')", 10_000, 65_536));
    assertThat(status(queued)).isEqualTo("QUEUED");

    // when
    GatewayClient.Reply cancel = gateway.delete(queued);

    // then: it ends CANCELLED without a run, and the worker never started it
    assertThat(cancel.status()).as(cancel.raw().body()).isEqualTo(202);
    assertThat(cancel.body().get("status").asText()).isEqualTo("QUEUED");
    for (String id : sleepers) {
      assertThat(gateway.delete(id).status()).isEqualTo(202);
    }
    JsonNode done = awaitFinal(queued, Duration.ofSeconds(30));
    assertThat(done.get("status").asText()).isEqualTo("CANCELLED");
    assertThat(done.path("run").isNull() || done.path("run").isMissingNode())
        .as(done.toString())
        .isTrue();
    for (String id : sleepers) {
      assertThat(awaitFinal(id, Duration.ofSeconds(30)).get("status").asText())
          .isEqualTo("CANCELLED");
    }
    assertThat(worker.count("job " + queued + " started")).isZero();
  }

  @Test
  void shouldAnswer409ToTheCancelOfAFinishedJobWhichKeepsItsResult() {
    String id = submit(python("print('finished')", 10_000, 65_536));
    JsonNode done = awaitFinal(id, Duration.ofSeconds(60));

    GatewayClient.Reply cancel = gateway.delete(id);

    assertThat(cancel.status()).isEqualTo(409);
    assertThat(cancel.raw().headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
    assertThat(gateway.get(id).body()).isEqualTo(done);
    assertThat(done.get("status").asText()).isEqualTo("SUCCEEDED");
  }

  @Test
  void shouldAnswer404ToAnotherTenantOnEveryNewEndpoint() {
    // given: a job of the first tenant that is still running
    String id = submit(python("import time\ntime.sleep(4)\nprint('mine')\n", 20_000, 65_536));
    GatewayClient other = gateway.withKey(SystemUnderTest.OTHER_API_KEY);

    // when / then: the other tenant cannot see it, watch it or cancel it
    assertThat(other.get(id).status()).isEqualTo(404);
    try (SseSubscriber stream = SseSubscriber.open(other, id, null)) {
      assertThat(stream.status).isEqualTo(404);
    }
    assertThat(other.delete(id).status()).isEqualTo(404);
    // (the WebSocket takes no job id: a tenant can only drive the jobs it starts there)
    JsonNode done = awaitFinal(id, Duration.ofSeconds(60));
    assertThat(done.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(done.get("run").get("stdout").asText()).isEqualTo("mine\n");
    // and a finished job's stream is no more visible to it than a running one's
    try (SseSubscriber stream = SseSubscriber.open(other, id, null)) {
      assertThat(stream.status).isEqualTo(404);
    }
    assertThat(other.delete(id).status()).isEqualTo(404);
  }

  @Test
  void shouldEndAWatchedFloodOfOutputAtTheLimitWithMemoryFlat() throws Exception {
    // given: a program printing for ever, with the largest output limit a job may have
    long limit = 4 * MIB;
    String flood =
        python(
            "import sys\nwhile True:\n    sys.stdout.write('x' * 1023 + '\\n')\n", 30_000, limit);
    watchedFlood(flood); // warms both JVMs up: what is measured is growth after this
    long gatewayBefore = gateway.process.residentBytes();
    long workerBefore = worker.residentBytes();
    AtomicLong gatewayPeak = new AtomicLong(gatewayBefore);
    AtomicLong workerPeak = new AtomicLong(workerBefore);
    AtomicBoolean sampling = new AtomicBoolean(true);
    CompletableFuture<Void> sampler =
        CompletableFuture.runAsync(
            () -> {
              while (sampling.get()) {
                gatewayPeak.accumulateAndGet(gateway.process.residentBytes(), Math::max);
                workerPeak.accumulateAndGet(worker.residentBytes(), Math::max);
                sleep(100);
              }
            });

    // when: three more floods, each watched live
    List<String> streamed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      streamed.add(watchedFlood(flood));
    }
    sampling.set(false);
    sampler.get(10, TimeUnit.SECONDS);

    // then: each ended at its limit, the stream capped as well, and neither process grew
    for (String stdout : streamed) {
      assertThat((long) stdout.length()).isGreaterThan(limit / 2).isLessThanOrEqualTo(limit);
    }
    System.out.printf(
        "flood: gateway RSS %d -> peak %d MiB, worker RSS %d -> peak %d MiB%n",
        gatewayBefore / MIB, gatewayPeak.get() / MIB, workerBefore / MIB, workerPeak.get() / MIB);
    assertThat(gatewayPeak.get() - gatewayBefore).isLessThan(100 * MIB);
    assertThat(workerPeak.get() - workerBefore).isLessThan(100 * MIB);
  }

  @Test
  void shouldNotLetAReaderThatNeverReadsHoldUpTheWorkerOrAnotherReader() throws Exception {
    // given: about 4 MB of output in 40 pieces (and the result repeats it), more than the
    // loopback buffers (4 MiB at most here) and the gateway's per-subscriber allowance (1 MiB)
    // hold for a reader that never reads
    String id =
        submit(
            python(
                "import sys, time\n"
                    + "for i in range(40):\n"
                    + "    sys.stdout.write('%05d' % i + 'y' * 102394 + '\\n')\n"
                    + "    sys.stdout.flush()\n"
                    + "    time.sleep(0.05)\n",
                20_000, 4 * MIB));
    try (Socket stalled = stalledSubscriber(id)) {

      // when: another reader follows the same job, resuming with Last-Event-ID if it is cut
      // off, as an EventSource does
      Followed followed = followResuming(gateway, id);
      List<SseSubscriber.Event> events = followed.events();

      // then: it got everything exactly once, promptly, and the job ran as fast as it would alone
      System.out.printf(
          "prompt reader: %d events, %d reconnects; gateway log: %d 'fell behind'%n",
          events.size(), followed.reconnects(), gateway.process.count("subscriber fell behind"));
      assertStrictlyOrderedIds(events);
      JsonNode result = json(events.get(events.size() - 1).data());
      assertThat(result.get("status").asText()).isEqualTo("SUCCEEDED");
      assertThat(stdout(events))
          .hasSize(40 * 102_400)
          .isEqualTo(result.get("run").get("stdout").asText());
      assertThat(result.get("run").get("wallTimeMs").asLong()).isLessThan(5_000);
      long startedAt = events.get(1).receivedNanos();
      assertThat(events.get(1).name()).isEqualTo("started");
      assertThat(Duration.ofNanos(events.get(events.size() - 1).receivedNanos() - startedAt))
          .as("from started to the result")
          .isLessThan(Duration.ofSeconds(8));
      // and the reader that never read is not kept for ever: it is cut off (more than 1 MiB
      // behind) or, if the buffers held everything, its stream ended; either way it ends
      Drained drained = drain(stalled, Duration.ofSeconds(30));
      System.out.printf(
          "stalled reader: %d bytes buffered for it, ended %s, result among them %s%n",
          drained.bytes(), drained.ended(), drained.sawResult());
      assertThat(drained.ended()).isTrue();
    }
  }

  // --- the system's answers ---

  private static String submit(String json) {
    GatewayClient.Reply reply = gateway.submit(json, "");
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
    return reply.body().get("id").asText();
  }

  private static String status(String id) {
    GatewayClient.Reply reply = gateway.get(id);
    return reply.status() == 200 ? reply.body().get("status").asText() : "HTTP " + reply.status();
  }

  private static String tail(String log) {
    return log.substring(Math.max(0, log.length() - 6_000));
  }

  private static JsonNode awaitFinal(String id, Duration timeout) {
    List<JsonNode> last = new ArrayList<>(1);
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              GatewayClient.Reply reply = gateway.get(id);
              assertThat(reply.status()).isEqualTo(200);
              assertThat(GatewayClient.FINAL_STATUSES)
                  .contains(reply.body().get("status").asText());
              last.clear();
              last.add(reply.body());
            });
    return last.get(0);
  }

  /** The whole stream after {@code lastEventId} (all of it when null), to its result. */
  private static List<SseSubscriber.Event> followToEnd(
      GatewayClient through, String id, String lastEventId) {
    try (SseSubscriber stream = SseSubscriber.open(through, id, lastEventId)) {
      assertThat(stream.status).isEqualTo(200);
      assertThat(stream.awaitEnd(Duration.ofSeconds(90))).as("stream of " + id + " ended").isTrue();
      assertThat(stream.endedByServer()).isTrue();
      assertThat(stream.names()).isNotEmpty().endsWith("result");
      return List.copyOf(stream.events);
    }
  }

  record Followed(List<SseSubscriber.Event> events, int reconnects) {}

  /**
   * The whole stream to its result, coming back with Last-Event-ID whenever the stream ends early:
   * a reader that falls more than 1 MiB behind is disconnected by design and resumes.
   */
  private static Followed followResuming(GatewayClient through, String id) {
    List<SseSubscriber.Event> all = new ArrayList<>();
    String lastId = null;
    int reconnects = -1;
    while (all.isEmpty() || !"result".equals(all.get(all.size() - 1).name())) {
      assertThat(++reconnects).as("reconnects").isLessThan(20);
      try (SseSubscriber stream = SseSubscriber.open(through, id, lastId)) {
        assertThat(stream.status).isEqualTo(200);
        assertThat(stream.awaitEnd(Duration.ofSeconds(90))).isTrue();
        all.addAll(stream.events);
      }
      if (!all.isEmpty()) {
        lastId = all.get(all.size() - 1).id();
      }
    }
    return new Followed(List.copyOf(all), reconnects);
  }

  /** Watches a flood to its result and returns the stdout streamed. */
  private static String watchedFlood(String flood) {
    String id = submit(flood);
    List<SseSubscriber.Event> all = followResuming(gateway, id).events();
    assertStrictlyOrderedIds(all);
    JsonNode result = json(all.get(all.size() - 1).data());
    assertThat(result.get("status").asText()).isEqualTo("OUTPUT_LIMIT_EXCEEDED");
    return stdout(all);
  }

  /** Opens the event stream over a raw socket with a tiny receive buffer and never reads it. */
  private static Socket stalledSubscriber(String id) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", gateway.port), 5_000);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET /v1/executions/"
                + id
                + "/events HTTP/1.1\r\n"
                + "Host: 127.0.0.1:"
                + gateway.port
                + "\r\n"
                + "Authorization: Bearer "
                + gateway.apiKey
                + "\r\n"
                + "Accept: text/event-stream\r\n"
                // without keep-alive the end of the stream is the end of the connection
                + "Connection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  record Drained(boolean ended, long bytes, boolean sawResult) {}

  /** Reads what the server sent until it closes the connection or the time is up. */
  private static Drained drain(Socket socket, Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[64 * 1024];
    long bytes = 0;
    boolean sawResult = false;
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        int n = in.read(buffer);
        if (n < 0) {
          return new Drained(true, bytes, sawResult);
        }
        bytes += n;
        sawResult |=
            new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains("event: result");
      }
    } catch (java.net.SocketTimeoutException e) {
      return new Drained(false, bytes, sawResult);
    } catch (java.net.SocketException e) {
      return new Drained(true, bytes, sawResult); // reset by the server: ended as well
    }
    return new Drained(false, bytes, sawResult);
  }

  // --- the stream's contents ---

  /** Adjacent chunks of one stream joined, each as "stream:text", in order. */
  private static List<String> writes(List<SseSubscriber.Event> output) {
    List<String> writes = new ArrayList<>();
    String stream = null;
    StringBuilder text = new StringBuilder();
    for (SseSubscriber.Event event : output) {
      assertThat(event.name()).isIn("stdout", "stderr");
      if (!event.name().equals(stream) && stream != null) {
        writes.addAll(splitLines(stream, text.toString()));
        text.setLength(0);
      }
      stream = event.name();
      text.append(json(event.data()).get("data").asText());
    }
    if (stream != null) {
      writes.addAll(splitLines(stream, text.toString()));
    }
    return writes;
  }

  private static List<String> splitLines(String stream, String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("(?<=\n)")) {
      lines.add(stream + ":" + line);
    }
    return lines;
  }

  private static String stdout(List<SseSubscriber.Event> events) {
    StringBuilder out = new StringBuilder();
    for (SseSubscriber.Event event : events) {
      if ("stdout".equals(event.name())) {
        out.append(json(event.data()).get("data").asText());
      }
    }
    return out.toString();
  }

  /** When the stdout received so far first began with {@code text}. */
  private static long arrivalOf(List<SseSubscriber.Event> events, String text) {
    StringBuilder out = new StringBuilder();
    for (SseSubscriber.Event event : events) {
      if ("stdout".equals(event.name())) {
        out.append(json(event.data()).get("data").asText());
        if (out.length() >= text.length()) {
          assertThat(out.substring(0, text.length())).isEqualTo(text);
          return event.receivedNanos();
        }
      }
    }
    throw new AssertionError("stdout never reached " + text + " in " + events);
  }

  private static void assertStrictlyOrderedIds(List<SseSubscriber.Event> events) {
    List<String> ids = events.stream().map(SseSubscriber.Event::id).toList();
    assertThat(new HashSet<>(ids)).as("ids unique: %s", ids).hasSize(ids.size());
    assertThat(ids).as("ids in order").isSortedAccordingTo(EVENT_ID_ORDER);
    assertThat(ids.get(ids.size() - 1)).isEqualTo("result");
  }

  /** Two readings of one stream: the same ids, names and data, in the same order. */
  private static void assertSameStream(
      List<SseSubscriber.Event> actual, List<SseSubscriber.Event> expected) {
    assertStrictlyOrderedIds(actual);
    assertThat(actual.stream().map(e -> e.id() + " " + e.name() + " " + e.data()).toList())
        .containsExactlyElementsOf(
            expected.stream().map(e -> e.id() + " " + e.name() + " " + e.data()).toList());
  }

  /** "attempt-seq", ordered by attempt then seq, with "result" after all of them. */
  private static final Comparator<String> EVENT_ID_ORDER =
      Comparator.comparingLong((String id) -> id.equals("result") ? Long.MAX_VALUE : part(id, 0))
          .thenComparingLong(id -> id.equals("result") ? 0 : part(id, 1));

  private static long part(String id, int index) {
    return Long.parseLong(id.split("-")[index]);
  }

  // --- jobs ---

  private static String tenSlowLines() {
    return "import time\nfor i in range(1, 11):\n    print('line', i, flush=True)\n"
        + "    time.sleep(0.3)\n";
  }

  private static String expectedTenLines() {
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 10; i++) {
      lines.append("line ").append(i).append('\n');
    }
    return lines.toString();
  }

  private static String python(String code, int wallMs, long outputBytes) {
    return job("python", "main.py", code, wallMs, outputBytes);
  }

  private static String job(String language, String file, String code, int wallMs, long output) {
    ObjectNode job = JSON.createObjectNode().put("language", language);
    job.putArray("files").addObject().put("name", file).put("content", code);
    job.putObject("limits").put("wallTimeMs", wallMs).put("outputBytes", output);
    return job.toString();
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
