package dev.gozo.gateway.health;

import java.util.concurrent.CompletableFuture;

/** Answers whether the gateway can reach Kafka right now. */
public interface ClusterProbe {

  /** Completes (never exceptionally, within about a second) with true when Kafka answered. */
  CompletableFuture<Boolean> reachable();
}
