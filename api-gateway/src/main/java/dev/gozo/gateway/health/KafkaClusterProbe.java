package dev.gozo.gateway.health;

import dev.gozo.gateway.GatewayConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes Kafka with {@code Admin.describeCluster} (timeout {@value #TIMEOUT_MS} ms). The answer is
 * reused for {@value #CACHE_MS} ms and a probe in flight is shared, so health checks from many load
 * balancers cost Kafka one request a second at most and never block a thread.
 */
@Singleton
public final class KafkaClusterProbe implements ClusterProbe {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterProbe.class);
  static final int TIMEOUT_MS = 1000;
  static final long CACHE_MS = 1000;

  private record Probe(CompletableFuture<Boolean> answer, long startedNanos) {}

  private final Admin admin;
  private Probe last;
  private Boolean lastAnswer;

  public KafkaClusterProbe(GatewayConfig config) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "gozo-gateway-health");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    this.admin = Admin.create(props);
  }

  @Override
  public synchronized CompletableFuture<Boolean> reachable() {
    long now = System.nanoTime();
    if (last == null
        || last.answer().isDone()
            && now - last.startedNanos() >= TimeUnit.MILLISECONDS.toNanos(CACHE_MS)) {
      last = new Probe(probe(), now);
    }
    return last.answer();
  }

  private CompletableFuture<Boolean> probe() {
    // Our own future: Kafka's refuse to be completed (or timed out) by user code.
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
          .clusterId()
          .whenComplete((id, error) -> answer.complete(error == null));
    } catch (RuntimeException e) {
      // The admin client refused the call itself (closing, misconfigured): Kafka is not
      // reachable through it; logChange reports the transition.
      answer.complete(false);
    }
    return answer
        .completeOnTimeout(false, TIMEOUT_MS + 500L, TimeUnit.MILLISECONDS)
        .whenComplete((up, error) -> logChange(up));
  }

  private synchronized void logChange(Boolean up) {
    if (!up.equals(lastAnswer)) {
      if (up) {
        LOG.info("Kafka is reachable");
      } else {
        LOG.warn("Kafka is unreachable");
      }
      lastAnswer = up;
    }
  }

  @PreDestroy
  public void close() {
    admin.close(Duration.ofSeconds(2));
  }
}
