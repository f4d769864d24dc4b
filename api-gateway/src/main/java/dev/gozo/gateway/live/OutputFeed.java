package dev.gozo.gateway.live;

/**
 * Hands every output record workers publish to the {@link LiveHub}. The Kafka implementation is
 * {@link KafkaOutputConsumer}; start and stop are safe to call twice.
 */
public interface OutputFeed {

  void start();

  void stop();
}
