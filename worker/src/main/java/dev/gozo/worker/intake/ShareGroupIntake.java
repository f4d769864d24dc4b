package dev.gozo.worker.intake;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * one record at a time ({@code share.acquire.mode=record_limit}, {@code max.poll.records=1}), runs
 * it, and acknowledges it before polling again. A busy slot does not poll, so a saturated worker
 * stops taking work and the backlog stays in Kafka, not in our memory; share groups let any number
 * of slots on any number of workers read the same partitions. A record whose worker dies is
 * redelivered by the broker after its acquisition lock expires; the delivery count tells the
 * processor when to give up on a poison job.
 *
 * <p>A slot that fails unexpectedly is not lost: it closes its consumer (the record it held is
 * redelivered), waits a backoff, and starts again with a new one; {@link #aliveSlots()} tells the
 * health endpoint how many are polling or running a job. Only the JVM itself failing (out of
 * memory) ends the process, with a non-zero status for its supervisor.
 *
 * <p>The acquisition lock must outlast the longest job (compile plus run wall limits plus set-up);
 * {@link ShareGroupSetup} sets it from {@code GOZO_LOCK_DURATION_MS} and the worker takes no job
 * until the broker has accepted it. Lock renewal (KIP-1222 RENEW) was tried and left out: in Kafka
 * 4.4 it needs a group switch that is off by default and re-delivers renewed records through poll
 * (KAFKA-20458), see docs/adr/0002.
 */
public final class ShareGroupIntake implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShareGroupIntake.class);

  /** A slot that fails again right after a restart waits longer, up to {@link #MAX_BACKOFF}. */
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** A slot that ran this long since its last restart starts over from the first backoff. */
  private static final Duration STABLE_AFTER = Duration.ofMinutes(1);

  /** Exit status when the JVM itself fails (out of memory): the supervisor restarts us. */
  private static final int JVM_FAILURE_STATUS = 70;

  private final Properties consumerProperties;
  private final String jobsTopic;
  private final int slots;
  private final RecordHandler handler;
  private final BooleanSupplier canTakeWork;
  private final CountDownLatch stopped;
  private final AtomicInteger alive = new AtomicInteger();
  private final AtomicInteger restarts = new AtomicInteger();
  private volatile boolean running;
  private boolean started;

  public ShareGroupIntake(
      String bootstrap,
      String groupId,
      String jobsTopic,
      int slots,
      RecordHandler handler,
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
    this.handler = handler;
    this.canTakeWork = canTakeWork;
    this.stopped = new CountDownLatch(slots);
  }

  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    running = true;
    for (int i = 0; i < slots; i++) {
      int slot = i;
      Thread thread = new Thread(() -> superviseSlot(slot), "job-slot-" + i);
      thread.start();
    }
  }

  /** How many slots are polling or running a job right now (not waiting to restart). */
  public int aliveSlots() {
    return alive.get();
  }

  /** The number of slots this intake runs when all are alive. */
  public int slots() {
    return slots;
  }

  /** Whether {@link #start()} was called (the share group was configured). */
  public synchronized boolean started() {
    return started;
  }

  /** How often a slot has been restarted after failing. */
  public int restarts() {
    return restarts.get();
  }

  /** Runs one slot until the intake stops, restarting it with backoff whenever it fails. */
  private void superviseSlot(int slot) {
    Duration backoff = FIRST_BACKOFF;
    try {
      while (running) {
        long startedAt = System.nanoTime();
        Throwable failure = runSlot(slot);
        if (failure == null || !running) {
          return;
        }
        if (failure instanceof VirtualMachineError) {
          LOG.error(
              "job slot {}: the JVM failed; exiting for the supervisor to restart us",
              slot,
              failure);
          Runtime.getRuntime().halt(JVM_FAILURE_STATUS);
        }
        if (System.nanoTime() - startedAt > STABLE_AFTER.toNanos()) {
          backoff = FIRST_BACKOFF;
        }
        restarts.incrementAndGet();
        LOG.error(
            "job slot {} failed; restarting it in {} ms with a new consumer",
            slot,
            backoff.toMillis(),
            failure);
        if (!sleep(backoff)) {
          return;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    } finally {
      stopped.countDown();
    }
  }

  /** Polls and handles records until the intake stops (null) or something fails (the failure). */
  private Throwable runSlot(int slot) {
    Properties props = new Properties();
    props.putAll(consumerProperties);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gozo-worker-slot-" + slot);
    KafkaShareConsumer<String, byte[]> consumer;
    try {
      consumer =
          new KafkaShareConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
      consumer.subscribe(List.of(jobsTopic));
    } catch (RuntimeException e) {
      return e;
    }
    alive.incrementAndGet();
    try {
      while (running) {
        if (!canTakeWork.getAsBoolean()) {
          if (!sleep(Duration.ofMillis(250))) {
            return null;
          }
          continue;
        }
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(500));
        } catch (WakeupException e) {
          continue; // woken on purpose: look at `running` again
        }
        for (ConsumerRecord<String, byte[]> record : records) {
          acknowledge(consumer, record, handle(record));
        }
        if (!records.isEmpty()) {
          commit(consumer);
        }
      }
      return null;
    } catch (RuntimeException | Error e) {
      return e;
    } finally {
      alive.decrementAndGet();
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warn("job slot {}: closing its share consumer failed", slot, e);
      }
    }
  }

  private JobProcessor.Decision handle(ConsumerRecord<String, byte[]> record) {
    int attempt = record.deliveryCount().map(Short::intValue).orElse(1);
    DeliveredRecord delivered =
        new DeliveredRecord(
            record.key(),
            record.value(),
            attempt,
            record.partition(),
            record.offset(),
            record.timestamp());
    try {
      return handler.handle(delivered);
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
      LOG.warn("job {}: could not acknowledge ({})", record.key(), decision, e);
    }
  }

  private static void commit(KafkaShareConsumer<String, byte[]> consumer) {
    try {
      consumer.commitSync(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      // The broker redelivers what we could not acknowledge; the result topic keeps the first.
      LOG.warn("acknowledgement commit failed", e);
    }
  }

  /** Sleeps; false when interrupted (the intake then stops). */
  private boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return false;
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
   * Stops polling; slots finish the job they hold, acknowledge it and close. No wakeup(): it would
   * abort the acknowledgement commit of a job that just finished, and an idle slot's poll returns
   * within its 500 ms timeout anyway.
   */
  public void stopTaking() {
    running = false;
  }

  /** Waits until every slot has finished its job and closed its consumer. */
  public boolean awaitStopped(Duration timeout) {
    if (!started()) {
      return true;
    }
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
