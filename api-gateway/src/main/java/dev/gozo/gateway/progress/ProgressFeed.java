package dev.gozo.gateway.progress;

/**
 * Keeps the {@link JobStateStore} up to date with what workers and other gateways publish. The
 * Kafka implementation is {@link KafkaProgressConsumer}; start and stop are safe to call twice.
 */
public interface ProgressFeed {

  void start();

  void stop();
}
