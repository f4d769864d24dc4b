package dev.gozo.gateway.fakes;

import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.health.ClusterProbe;
import dev.gozo.gateway.health.KafkaClusterProbe;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;

/** A Kafka that is as reachable as the test says. */
@Singleton
@Replaces(KafkaClusterProbe.class)
@Requires(env = TestGateway.FAKE_KAFKA)
public final class FakeClusterProbe implements ClusterProbe {

  public volatile boolean reachable = true;

  @Override
  public CompletableFuture<Boolean> reachable() {
    return CompletableFuture.completedFuture(reachable);
  }
}
