package dev.gozo.gateway.webhooks;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gozo.gateway.DaemonThreads;
import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.results.ExecutionView;
import dev.gozo.protocol.v1.CallbackRegistration;
import dev.gozo.protocol.v1.JobCompleted;
import io.micronaut.context.annotation.Context;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhooks: POSTs each finished job's result (exactly the body of {@code GET
 * /v1/executions/{id}}) to the URL its submitter registered, signed ({@link Signature}).
 *
 * <p><b>Driven from Kafka, not memory.</b> Gateways share the results topic in a consumer group
 * ({@code GOZO_CALLBACK_GROUP}), so each result is handled by one of them. Registrations come from
 * the callbacks topic, which every dispatcher reads whole into a bounded map; a registration is
 * durable before its job is published, so reading the callbacks topic up to its end after a batch
 * of results was fetched finds every registration those results can have. The group's offset is
 * committed only past results whose delivery finished (succeeded, or given up after {@code
 * GOZO_CALLBACK_RETRY_FOR_MS}), never past a pending one ({@link DeliveryTracker}): a gateway that
 * stops or dies leaves them to the next owner of the partition, which delivers them again with the
 * same {@code X-Gozo-Delivery} id. Delivery is at-least-once; receivers deduplicate by that id.
 *
 * <p><b>Concurrency.</b> One thread owns both consumers. Attempts run on the JDK HTTP client's
 * threads and retries on a timer thread, so a slow or failing receiver holds up no other job's
 * delivery: only the committed offset waits for it. At most {@code GOZO_CALLBACK_MAX_PENDING}
 * deliveries are held at once; past that the results partitions are paused (backpressure stays in
 * Kafka) until some finish.
 *
 * <p><b>Safety.</b> Redirects are never followed (a 3xx is a failed attempt), the allow-list is
 * checked again before every attempt (a host taken off it is given up), timeouts are short ({@code
 * GOZO_CALLBACK_TIMEOUT_MS}), no proxy is used, the response body is never read, and the secret is
 * never logged.
 */
@Context
public final class WebhookDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  public static final String DELIVERY_HEADER = "X-Gozo-Delivery";

  /** How long one poll of the results waits; also how often finished deliveries are committed. */
  private static final Duration POLL = Duration.ofMillis(200);

  /** The longest pause between two attempts of one delivery, however many failed before. */
  static final long MAX_BACKOFF_MS = TimeUnit.MINUTES.toMillis(5);

  /**
   * How long reading the callbacks topic up to its end may take before a batch of results is
   * handled; at start-up this reads every undelivered registration.
   */
  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  /** The pause between attempts while Kafka or the callbacks topic is missing. */
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final Duration STOP_WAIT = Duration.ofSeconds(10);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** Records per poll: a batch is handled between two checks of the pending bound. */
  private static final int MAX_POLL_RECORDS = 200;

  /** A crashed gateway's partitions go to the others after this long (Kafka's default is 45 s). */
  private static final int SESSION_TIMEOUT_MS = 10_000;

  private final GatewayConfig config;
  private final CallbackPolicy policy;
  private final CallbackRegistrar registrar;
  private final JsonMapper json;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final ConcurrentLinkedQueue<Delivery> finished = new ConcurrentLinkedQueue<>();
  private final Object lifecycle = new Object();

  // Owned by the consumer thread.
  private final DeliveryTracker tracker = new DeliveryTracker();
  private final LinkedHashMap<String, CallbackRegistration> registrations = new LinkedHashMap<>();
  private final Map<TopicPartition, Set<Delivery>> active = new HashMap<>();
  private KafkaConsumer<byte[], byte[]> results;
  private KafkaConsumer<byte[], byte[]> callbacks;
  private boolean healthy = true;

  private Thread thread;
  private volatile boolean running;

  public WebhookDispatcher(
      GatewayConfig config, CallbackPolicy policy, CallbackRegistrar registrar, JsonMapper json) {
    this.config = config;
    this.policy = policy;
    this.registrar = registrar;
    this.json = json;
    Duration timeout = Duration.ofMillis(config.callbackTimeoutMs());
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout)
            .executor(Executors.newCachedThreadPool(DaemonThreads.named("gozo-webhook-http")))
            .build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("gozo-webhook-retries"));
  }

  /** One result to deliver: the same id on every attempt, and after a restart. */
  private static final class Delivery {
    final TopicPartition partition;
    final long offset;
    final CallbackRegistration registration;
    final String id;
    final byte[] body;
    final long firstAttemptMs = System.currentTimeMillis();
    int attempts; // touched by one attempt at a time
    volatile boolean cancelled;

    Delivery(
        TopicPartition partition, long offset, CallbackRegistration registration, byte[] body) {
      this.partition = partition;
      this.offset = offset;
      this.registration = registration;
      this.id = registration.getJobId() + "." + partition.partition() + "." + offset;
      this.body = body;
    }

    String jobId() {
      return registration.getJobId();
    }
  }

  @PostConstruct
  public void start() {
    synchronized (lifecycle) {
      if (thread != null) {
        return;
      }
      if (!policy.enabled()) {
        LOG.info("webhooks are off (GOZO_CALLBACK_ALLOWED_HOSTS is empty)");
        return;
      }
      results = new KafkaConsumer<>(resultsProperties(config));
      callbacks = new KafkaConsumer<>(callbacksProperties(config));
      running = true;
      thread = new Thread(this::run, "gozo-webhooks");
      thread.setDaemon(true);
      thread.start();
    }
  }

  @PreDestroy
  public void stop() {
    Thread worker;
    synchronized (lifecycle) {
      if (thread == null || !running) {
        return;
      }
      running = false;
      worker = thread;
    }
    results.wakeup();
    callbacks.wakeup();
    try {
      worker.join(STOP_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
    LOG.info("webhook dispatcher stopped");
  }

  static Properties resultsProperties(GatewayConfig config) {
    Properties props = common(config, "gozo-gateway-webhooks-");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.callbackGroup());
    // A new group starts at the beginning: a result published before any gateway joined the group
    // still has its webhook delivered.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, SESSION_TIMEOUT_MS / 3);
    return props;
  }

  static Properties callbacksProperties(GatewayConfig config) {
    Properties props = common(config, "gozo-gateway-callbacks-");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return props;
  }

  private static Properties common(GatewayConfig config, String clientPrefix) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientPrefix + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) Math.max(5000, config.kafkaTimeoutMs()));
    props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  // ---- the consumer thread ----

  private void run() {
    boolean subscribed = false;
    try {
      while (running) {
        try {
          if (callbacks.assignment().isEmpty() && !assignCallbacks()) {
            LockSupport.parkNanos(RETRY_NANOS);
            continue;
          }
          if (!subscribed) {
            results.subscribe(List.of(config.topicResults()), new Rebalance());
            subscribed = true;
          }
          settleFinished();
          commit();
          applyBackpressure();
          ConsumerRecords<byte[], byte[]> batch = results.poll(POLL);
          if (batch.isEmpty()) {
            readCallbacks(Duration.ZERO); // keeps the map current (tombstones, new jobs)
            continue;
          }
          Map<TopicPartition, Long> first = new HashMap<>();
          batch.forEach(
              r -> first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset()));
          try {
            catchUpCallbacks();
          } catch (KafkaException e) {
            first.forEach(results::seek); // handle this batch again once the topic is readable
            throw e;
          }
          for (ConsumerRecord<byte[], byte[]> record : batch) {
            handle(record);
          }
          if (!healthy) {
            LOG.info("webhook dispatcher: reading again");
            healthy = true;
          }
        } catch (WakeupException e) {
          // stop() was called; the loop condition ends the thread.
        } catch (KafkaException e) {
          if (healthy) {
            LOG.warn("webhook dispatcher: {}; retrying until Kafka answers", e.toString());
          }
          healthy = false;
          LockSupport.parkNanos(RETRY_NANOS);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("webhook dispatcher failed; webhooks are no longer delivered by this gateway", e);
    } finally {
      try {
        settleFinished();
        commit();
      } catch (RuntimeException e) {
        LOG.debug("webhook dispatcher: last commit failed: {}", e.toString());
      }
      results.close(CLOSE_TIMEOUT); // leaves the group: another gateway takes the partitions
      callbacks.close(CLOSE_TIMEOUT);
    }
  }

  private boolean assignCallbacks() {
    List<PartitionInfo> infos =
        callbacks.partitionsFor(
            config.topicCallbacks(), Duration.ofMillis(Math.max(5000, config.kafkaTimeoutMs())));
    if (infos == null || infos.isEmpty()) {
      if (healthy) {
        LOG.warn("topic {} not found; retrying until it exists", config.topicCallbacks());
      }
      healthy = false;
      return false;
    }
    List<TopicPartition> partitions =
        infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    callbacks.assign(partitions);
    callbacks.seekToBeginning(partitions);
    return true;
  }

  /** Reads the callbacks topic up to the end it has now: past every registration made so far. */
  private void catchUpCallbacks() {
    Map<TopicPartition, Long> ends = callbacks.endOffsets(callbacks.assignment());
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    while (ends.entrySet().stream().anyMatch(e -> callbacks.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() - deadline > 0) {
        throw new KafkaException("the callbacks topic was not read to its end in time");
      }
      readCallbacks(POLL);
    }
  }

  private void readCallbacks(Duration timeout) {
    for (ConsumerRecord<byte[], byte[]> record : callbacks.poll(timeout)) {
      if (record.key() == null) {
        continue;
      }
      String jobId = new String(record.key(), StandardCharsets.UTF_8);
      if (record.value() == null) {
        registrations.remove(jobId); // delivered (or given up) by some gateway
        continue;
      }
      try {
        remember(CallbackRegistration.parseFrom(record.value()));
      } catch (InvalidProtocolBufferException e) {
        LOG.warn("skipping unreadable webhook registration of job {}", jobId);
      }
    }
  }

  private void remember(CallbackRegistration registration) {
    registrations.remove(registration.getJobId());
    registrations.put(registration.getJobId(), registration);
    if (registrations.size() > config.callbackMaxRegistrations()) {
      Iterator<String> eldest = registrations.keySet().iterator();
      String dropped = eldest.next();
      eldest.remove();
      LOG.warn(
          "more than {} undelivered webhooks registered; job {}'s will not be delivered"
              + " (GOZO_CALLBACK_MAX_REGISTRATIONS)",
          config.callbackMaxRegistrations(),
          dropped);
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    String jobId = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    CallbackRegistration registration = record.value() == null ? null : registrations.remove(jobId);
    if (registration == null) {
      tracker.seen(partition, record.offset(), false); // no webhook (or one already under way)
      return;
    }
    byte[] body;
    try {
      JobCompleted result = JobCompleted.parseFrom(record.value());
      if (result.getJobId().isEmpty()) {
        result = result.toBuilder().setJobId(jobId).build();
      }
      if (!result.getTenant().equals(registration.getTenant())) {
        LOG.warn("result of job {} names another tenant than its webhook; not delivered", jobId);
        tracker.seen(partition, record.offset(), false);
        return;
      }
      body = json.writeValueAsBytes(ExecutionView.of(JobState.finished(result)));
    } catch (IOException e) {
      LOG.warn("result of job {} is unreadable; its webhook is not delivered", jobId);
      tracker.seen(partition, record.offset(), false);
      return;
    }
    Delivery delivery = new Delivery(partition, record.offset(), registration, body);
    tracker.seen(partition, record.offset(), true);
    active.computeIfAbsent(partition, p -> new HashSet<>()).add(delivery);
    attempt(delivery);
  }

  /** Moves deliveries the HTTP and timer threads finished into the tracker. */
  private void settleFinished() {
    Delivery delivery;
    while ((delivery = finished.poll()) != null) {
      if (delivery.cancelled) {
        continue; // its partition went to another gateway, which delivers it
      }
      Set<Delivery> ofPartition = active.get(delivery.partition);
      if (ofPartition != null) {
        ofPartition.remove(delivery);
      }
      tracker.finished(delivery.partition, delivery.offset);
      registrar.forget(delivery.jobId());
    }
  }

  private void commit() {
    Map<TopicPartition, Long> offsets = tracker.toCommit();
    commit(offsets);
  }

  private void commit(Map<TopicPartition, Long> offsets) {
    if (offsets.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
    try {
      results.commitSync(commit, CLOSE_TIMEOUT);
      tracker.committed(offsets);
    } catch (KafkaException e) {
      // Retried on the next loop; at worst a restart delivers a finished result again.
      LOG.debug("webhook dispatcher: commit failed: {}", e.toString());
    }
  }

  private void applyBackpressure() {
    Set<TopicPartition> assigned = results.assignment();
    if (tracker.pending() >= config.callbackMaxPending()) {
      if (results.paused().size() < assigned.size()) {
        LOG.info(
            "{} webhook deliveries pending; reading results paused", config.callbackMaxPending());
        results.pause(assigned);
      }
    } else if (!results.paused().isEmpty()) {
      results.resume(results.paused());
    }
  }

  /** Runs in the consumer thread, inside poll(), when the group moves partitions. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      settleFinished();
      Map<TopicPartition, Long> offsets = new HashMap<>(tracker.toCommit());
      offsets.keySet().retainAll(revoked);
      commit(offsets);
      giveUp(revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      giveUp(lost);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      if (!assigned.isEmpty()) {
        LOG.info("delivering webhooks of {} results partitions", assigned.size());
      }
    }

    /** Stops this gateway's deliveries of these partitions; their next owner delivers them. */
    private void giveUp(Collection<TopicPartition> partitions) {
      for (TopicPartition partition : partitions) {
        Set<Delivery> deliveries = active.remove(partition);
        if (deliveries == null) {
          continue;
        }
        for (Delivery delivery : deliveries) {
          delivery.cancelled = true;
          // If the partition comes back before its new owner committed, deliver it again then.
          registrations.putIfAbsent(delivery.jobId(), delivery.registration);
        }
      }
      tracker.forget(partitions);
    }
  }

  // ---- attempts: HTTP client and timer threads ----

  private void attempt(Delivery delivery) {
    if (delivery.cancelled || !running) {
      return;
    }
    String url = delivery.registration.getUrl();
    var refused = policy.urlProblem(url);
    if (refused.isPresent()) {
      LOG.warn(
          "webhook {} of job {} given up: {} ({})",
          delivery.id,
          delivery.jobId(),
          refused.get(),
          redacted(url));
      finished.add(delivery);
      return;
    }
    delivery.attempts++;
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(Duration.ofMillis(config.callbackTimeoutMs()))
              .header("Content-Type", "application/json")
              .header("User-Agent", "GozoLite-Webhooks/1")
              .header(
                  Signature.HEADER, Signature.of(delivery.body, delivery.registration.getSecret()))
              .header(DELIVERY_HEADER, delivery.id)
              .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body))
              .build();
    } catch (IllegalArgumentException e) {
      LOG.warn("webhook {} of job {} given up: {}", delivery.id, delivery.jobId(), e.getMessage());
      finished.add(delivery);
      return;
    }
    http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
        .whenComplete((response, error) -> answered(delivery, response, error));
  }

  private void answered(Delivery delivery, HttpResponse<InputStream> response, Throwable error) {
    String why;
    if (response != null) {
      try (InputStream body = response.body()) {
        // Never read: closing it ends the exchange, whatever the receiver sends.
      } catch (IOException ignored) {
        // nothing to clean up
      }
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        LOG.info(
            "webhook {} of job {} delivered to {}: HTTP {} (attempt {})",
            delivery.id,
            delivery.jobId(),
            redacted(delivery.registration.getUrl()),
            status,
            delivery.attempts);
        finished.add(delivery);
        return;
      }
      why =
          "HTTP " + status + (status >= 300 && status < 400 ? " (redirects are not followed)" : "");
    } else {
      why = describe(error);
    }
    long delay = backoffMs(delivery.attempts, config.callbackBackoffMs());
    long elapsed = System.currentTimeMillis() - delivery.firstAttemptMs;
    if (elapsed + delay > config.callbackRetryForMs()) {
      LOG.warn(
          "webhook {} of job {} to {} given up after {} attempts in {} ms: {}",
          delivery.id,
          delivery.jobId(),
          redacted(delivery.registration.getUrl()),
          delivery.attempts,
          elapsed,
          why);
      finished.add(delivery);
      return;
    }
    LOG.info(
        "webhook {} of job {} to {}: attempt {} failed ({}); retrying in {} ms",
        delivery.id,
        delivery.jobId(),
        redacted(delivery.registration.getUrl()),
        delivery.attempts,
        why,
        delay);
    try {
      timer.schedule(() -> attempt(delivery), delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Stopping: the result's offset was not committed, so the next owner delivers it.
    }
  }

  /**
   * The pause after {@code attempts} failed attempts: {@code first}, doubling, at most {@link
   * #MAX_BACKOFF_MS}, plus up to a quarter more at random so receivers that failed together are not
   * all retried at the same moment.
   */
  static long backoffMs(int attempts, long first) {
    int doublings = Math.min(Math.max(attempts - 1, 0), 30);
    long base = Math.min(MAX_BACKOFF_MS, first << doublings);
    return base + ThreadLocalRandom.current().nextLong(base / 4 + 1);
  }

  private static String describe(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return "connect timeout";
    }
    if (cause instanceof HttpTimeoutException) {
      return "no answer in time";
    }
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  /** The URL as logged: scheme, host, port and path; the query may carry a receiver's token. */
  static String redacted(String url) {
    try {
      URI uri = new URI(url);
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
          .toString();
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return "(unparseable URL)";
    }
  }
}
