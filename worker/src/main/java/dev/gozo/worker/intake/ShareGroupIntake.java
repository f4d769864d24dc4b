package dev.gozo.worker.intake;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes jobs from the jobs topic through a Kafka share group and runs them, at most {@code slots}
 * at a time.
 *
 * <p>Design: each slot is a thread with its own {@link KafkaShareConsumer} that acquires exactly
 * one record at a time ({@code share.acquire.mode=record_limit}, {@code max.poll.records=1}),
 * runs it, and acknowledges it before polling again. A busy slot does not poll, so a saturated
 * worker stops taking work and the backlog stays in Kafka, not in our memory; share groups let
 * any number of slots on any number of workers read the same partitions. A record whose worker
 * dies is redelivered by the broker after its acquisition lock expires; the delivery count tells
 * the processor when to give up on a poison job.
 *
 * <p>The acquisition lock must outlast the longest job (compile plus run wall limits plus
 * set-up); {@link ShareGroupSetup} sets it from the catalogue's maxima. Lock renewal (KIP-1222
 * RENEW) was tried and left out: in Kafka 4.4 it needs a group switch that is off by default
 * and re-delivers renewed records through poll (KAFKA-20458), see docs/adr/0002.
 */
public final class ShareGroupIntake implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShareGroupIntake.class);

  private final Properties consumerProperties;
  private final String jobsTopic;
  private final int slots;
  private final JobProcessor processor;
  private final BooleanSupplier canTakeWork;
  private final CountDownLatch stopped;
  private volatile boolean running;

  public ShareGroupIntake(
      String bootstrap,
      String groupId,
      String jobsTopic,
      int slots,
      JobProcessor processor,
      BooleanSupplier canTakeWork) {
    this.consumerProperties = new Properties();
    consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    consumerProperties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    consumerProperties.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    consumerProperties.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
    consumerProperties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    consumerProperties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    this.jobsTopic = jobsTopic;
    this.slots = slots;
    this.processor = processor;
    this.canTakeWork = canTakeWork;
    this.stopped = new CountDownLatch(slots);
  }

  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    for (int i = 0; i < slots; i++) {
      Properties props = new Properties();
      props.putAll(consumerProperties);
      props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gozo-worker-slot-" + i);
      KafkaShareConsumer<String, byte[]> consumer =
          new KafkaShareConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
      consumer.subscribe(List.of(jobsTopic));
      Thread thread = new Thread(() -> runSlot(consumer), "job-slot-" + i);
      thread.start();
    }
  }

  private void runSlot(KafkaShareConsumer<String, byte[]> consumer) {
    try {
      while (running) {
        if (!canTakeWork.getAsBoolean()) {
          pause();
          continue;
        }
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(500));
        } catch (WakeupException e) {
          continue;
        }
        for (ConsumerRecord<String, byte[]> record : records) {
          acknowledge(consumer, record, process(record));
        }
        if (!records.isEmpty()) {
          commit(consumer);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("job slot stopped by an unexpected error", e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warn("closing a share consumer failed: {}", e.toString());
      }
      stopped.countDown();
    }
  }

  private JobProcessor.Decision process(ConsumerRecord<String, byte[]> record) {
    int attempt = record.deliveryCount().map(Short::intValue).orElse(1);
    try {
      return processor.process(record.key(), record.value(), attempt);
    } catch (RuntimeException e) {
      LOG.error("job {}: unexpected failure, handing it back", record.key(), e);
      return JobProcessor.Decision.RELEASE;
    }
  }

  private static void acknowledge(
      KafkaShareConsumer<String, byte[]> consumer,
      ConsumerRecord<String, byte[]> record,
      JobProcessor.Decision decision) {
    try {
      consumer.acknowledge(record, toKafka(decision));
    } catch (RuntimeException e) {
      // The lock expired (the job outlived it) and the broker may have handed the record to
      // another worker; its result is already published, and the gateway keeps the first one.
      LOG.warn("job {}: could not acknowledge ({}): {}", record.key(), decision, e.toString());
    }
  }

  private static void commit(KafkaShareConsumer<String, byte[]> consumer) {
    try {
      consumer.commitSync(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      // The broker redelivers what we could not acknowledge; the result topic keeps the first.
      LOG.warn("acknowledgement commit failed: {}", e.toString());
    }
  }

  private void pause() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private static AcknowledgeType toKafka(JobProcessor.Decision decision) {
    return switch (decision) {
      case ACCEPT -> AcknowledgeType.ACCEPT;
      case RELEASE -> AcknowledgeType.RELEASE;
      case REJECT -> AcknowledgeType.REJECT;
    };
  }

  /**
   * Stops polling; slots finish the job they hold, acknowledge it and close. No wakeup(): it
   * would abort the acknowledgement commit of a job that just finished, and an idle slot's poll
   * returns within its 500 ms timeout anyway.
   */
  public void stopTaking() {
    running = false;
  }

  /** Waits until every slot has finished its job and closed its consumer. */
  public boolean awaitStopped(Duration timeout) {
    try {
      return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    stopTaking();
    awaitStopped(Duration.ofSeconds(10));
  }
}
