package dev.gozo.worker.metrics;

import dev.gozo.protocol.v1.JobCompleted;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The worker's Prometheus metrics, served on its health port at {@code GET /metrics}. A job is
 * counted once, by the worker that published its result (gateways count what they accepted), so
 * summing over the fleet gives each job once. Labels are bounded: status, language and tenant
 * (tenants are the operator's API keys), never a job id.
 */
public final class WorkerMetrics {

  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final String workerId;

  public WorkerMetrics(String workerId) {
    this.workerId = workerId;
    registry.config().commonTags("worker", workerId);
  }

  /** A job's result was published: counts and times it. */
  public void finished(JobCompleted result) {
    String language = result.getLanguage().isEmpty() ? "unknown" : result.getLanguage();
    Counter.builder("gozo_jobs_finished")
        .description("Jobs whose result this worker published, by final status")
        .tag("status", result.getStatus().name())
        .tag("language", language)
        .tag("tenant", result.getTenant().isEmpty() ? "unknown" : result.getTenant())
        .register(registry)
        .increment();
    if (result.getSubmittedAtMs() > 0 && result.getStartedAtMs() >= result.getSubmittedAtMs()) {
      timer("gozo_job_queue", "From accepted by a gateway to started by a worker", language)
          .record(Duration.ofMillis(result.getStartedAtMs() - result.getSubmittedAtMs()));
    }
    if (result.getStartedAtMs() > 0 && result.getFinishedAtMs() >= result.getStartedAtMs()) {
      timer("gozo_job_run", "From started to finished on the worker (compile and run)", language)
          .record(Duration.ofMillis(result.getFinishedAtMs() - result.getStartedAtMs()));
    }
    if (result.getSubmittedAtMs() > 0 && result.getFinishedAtMs() >= result.getSubmittedAtMs()) {
      timer("gozo_job_end_to_end", "From accepted to finished", language)
          .record(Duration.ofMillis(result.getFinishedAtMs() - result.getSubmittedAtMs()));
    }
    DistributionSummary.builder("gozo_job_delivery_attempt")
        .description("The delivery attempt that produced each result (1 = first delivery)")
        .register(registry)
        .record(Math.max(1, result.getDeliveryAttempt()));
    long outputBytes =
        result.getRun().getStdout().size()
            + result.getRun().getStderr().size()
            + result.getCompile().getStdout().size()
            + result.getCompile().getStderr().size();
    Counter.builder("gozo_job_output_bytes")
        .description("Output bytes kept in results (after the output limit)")
        .baseUnit("bytes")
        .register(registry)
        .increment(outputBytes);
  }

  /** A sandbox container was started (created, attached, started), warm or on a job's path. */
  public void containerStarted(Duration took) {
    Timer.builder("gozo_container_start")
        .description("Time to create, attach and start a sandbox container")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry)
        .record(took);
  }

  /** A result was made durable on the results topic in {@code took}. */
  public void resultPublished(Duration took) {
    Timer.builder("gozo_kafka_result_publish")
        .description("Time to publish a result to the results topic and have it acknowledged")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry)
        .record(took);
  }

  /** A gauge read at each scrape, e.g. the warm containers of the pool or the breaker's state. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  private Timer timer(String name, String description, String language) {
    return Timer.builder(name)
        .description(description)
        .tag("language", language)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  public String workerId() {
    return workerId;
  }
}
