package dev.gozo.gateway.webhooks;

import dev.gozo.protocol.v1.CallbackRegistration;
import java.util.concurrent.CompletableFuture;

/**
 * Records where a job's result is to be delivered, durably, before the job itself is published:
 * whichever gateway later reads the job's result finds the registration. The Kafka implementation
 * is {@link KafkaCallbackRegistrar}.
 */
public interface CallbackRegistrar {

  /** Completes once the registration is durable; fails when it could not be made so in time. */
  CompletableFuture<Void> register(CallbackRegistration registration);

  /** The job's webhook was delivered or given up: its registration may go (best effort). */
  void forget(String jobId);
}
