package dev.gozo.worker.intake;

import dev.gozo.topics.KeyScan;

/** Where an earlier record of the same job id in the jobs topic can be looked for. */
@FunctionalInterface
public interface EarlierRecords {

  /**
   * Looks in the record's partition, before its offset, for a record with the same key. {@link
   * KeyScan.Unfinished} when the answer could not be had in time.
   */
  KeyScan.Search before(DeliveredRecord record);
}
