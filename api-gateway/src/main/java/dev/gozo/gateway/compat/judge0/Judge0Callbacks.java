package dev.gozo.gateway.compat.judge0;

import dev.gozo.gateway.DaemonThreads;
import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.gateway.webhooks.CallbackPolicy;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judge0's {@code callback_url}: once a submission is finished, its answer (base64-encoded, the
 * default fields, as Judge0 sends it) is PUT there. The URL passes the same allow-list as our
 * webhooks ({@link CallbackPolicy}), when submitted and again before each attempt.
 *
 * <p>Unlike our webhooks (registered durably on the callbacks topic, signed, retried for an hour),
 * these live in the memory of the gateway that took the submission: Judge0's callbacks carry no
 * signature a receiver could check, and Judge0 itself tries a few times and gives up. A gateway
 * restarted before the result arrives does not call; the client's GET still finds the result.
 */
@Singleton
final class Judge0Callbacks {

  private static final Logger LOG = LoggerFactory.getLogger(Judge0Callbacks.class);

  /** Judge0 tries a callback a few times; so do we, then the client has to GET. */
  static final int MAX_ATTEMPTS = 3;

  /** Pause before a retry; doubled for the next one. */
  private static final long FIRST_BACKOFF_MS = 1000;

  /** Callbacks waiting for their job at once; past it a submission with one is refused. */
  static final int MAX_PENDING = 10_000;

  private record Pending(String url, String tenant) {}

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final JobStateStore store;
  private final CallbackPolicy policy;
  private final JsonMapper json;
  private final Judge0Languages languages;
  private final Judge0Echoes echoes;
  private final Duration timeout;
  private final HttpClient http;
  private final ScheduledExecutorService timer;

  Judge0Callbacks(
      JobStateStore store,
      CallbackPolicy policy,
      GatewayConfig config,
      JsonMapper json,
      Judge0Languages languages,
      Judge0Echoes echoes) {
    this.store = store;
    this.policy = policy;
    this.json = json;
    this.languages = languages;
    this.echoes = echoes;
    this.timeout = Duration.ofMillis(config.callbackTimeoutMs());
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout)
            .executor(Executors.newCachedThreadPool(DaemonThreads.named("gozo-judge0-callbacks")))
            .build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("gozo-judge0-retries"));
    store.onChange(this::changed);
  }

  /** Why {@code url} cannot be a callback, or empty when it can. */
  Optional<String> problem(String url) {
    if (pending.size() >= MAX_PENDING) {
      return Optional.of("too many callbacks are pending on this server; retry later");
    }
    return policy.urlProblem(url);
  }

  /** Calls {@code url} once the job is finished, or now when it already is. */
  void register(String token, String tenant, String url) {
    pending.put(token, new Pending(url, tenant));
    store.find(token, tenant).filter(JobState::isFinished).ifPresent(this::changed);
  }

  private void changed(JobState state) {
    if (!state.isFinished()) {
      return;
    }
    Pending callback = pending.remove(state.jobId());
    if (callback != null && callback.tenant().equals(state.tenant())) {
      Map<String, Object> view =
          Judge0View.of(state, echoes.of(state.jobId()), true, Judge0Fields.DEFAULT, languages)
              .orElseThrow();
      try {
        deliver(callback.url(), state.jobId(), json.writeValueAsBytes(Judge0Json.tree(view)), 1);
      } catch (IOException e) {
        LOG.warn("judge0 callback of {} not sent: {}", state.jobId(), e.getMessage());
      }
    }
  }

  private void deliver(String url, String token, byte[] body, int attempt) {
    Optional<String> refused = policy.urlProblem(url);
    if (refused.isPresent()) {
      LOG.warn("judge0 callback of {} given up: the URL {}", token, refused.get());
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              if (error == null && response.statusCode() / 100 == 2) {
                return;
              }
              String why = error != null ? error.toString() : "HTTP " + response.statusCode();
              if (attempt >= MAX_ATTEMPTS) {
                LOG.warn(
                    "judge0 callback of {} given up after {} attempts: {}", token, attempt, why);
                return;
              }
              long backoff = FIRST_BACKOFF_MS << (attempt - 1);
              timer.schedule(
                  () -> deliver(url, token, body, attempt + 1), backoff, TimeUnit.MILLISECONDS);
            });
  }
}
