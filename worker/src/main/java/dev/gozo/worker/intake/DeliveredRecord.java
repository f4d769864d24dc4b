package dev.gozo.worker.intake;

/**
 * One job record as the share group delivered it: where it sits in the jobs topic and how often it
 * was delivered.
 *
 * @param key the record's key (the job id), or null
 * @param value the record's bytes (an {@code ExecuteJob}), or null
 * @param attempt the delivery count, 1 for the first delivery
 * @param partition the jobs topic partition holding the record
 * @param offset the record's offset in that partition
 * @param timestampMs the record's timestamp
 */
public record DeliveredRecord(
    String key, byte[] value, int attempt, int partition, long offset, long timestampMs) {}
