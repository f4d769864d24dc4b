package dev.gozo.gateway.input;

import dev.gozo.protocol.v1.JobInput;
import java.util.concurrent.CompletableFuture;

/**
 * Sends what callers say to a job (stdin, end of input, signals, cancel) to the input topic, keyed
 * by job id, where the worker running the job (wherever it is) reads it. Records of one job are
 * published in the order of the calls. The Kafka implementation is {@link KafkaJobInputPublisher}.
 */
public interface JobInputPublisher {

  /** Completes once the record is durable; fails when Kafka did not take it in time. */
  CompletableFuture<Void> publish(JobInput input);
}
