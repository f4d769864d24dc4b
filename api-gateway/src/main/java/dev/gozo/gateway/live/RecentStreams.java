package dev.gozo.gateway.live;

import dev.gozo.protocol.v1.JobOutput;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The output records of recent jobs, kept so that a subscriber who joins while a job runs, or soon
 * after it ended, gets its stream from memory instead of reading Kafka. A stream is only handed out
 * when it is known whole from its first record ({@link #snapshot}); otherwise the caller reads it
 * back from the output topic.
 *
 * <p>A stream is whole when it was {@link #expect expected} before any of its records could exist
 * (the job was submitted after the live feed began reading), or when its first record was the first
 * of attempt 1. A stream that outgrows {@code jobMaxBytes} is dropped to a marker saying "not
 * whole", so it is never mistaken for a whole one later. Beyond {@code maxBytes} in all, the least
 * recently used streams go. Not thread-safe: {@link LiveHub} guards it.
 */
final class RecentStreams {

  /** What a stream costs before its records: map entry, list, object headers (estimated). */
  static final long STREAM_OVERHEAD_BYTES = 256;

  /** What one kept record costs beyond its serialized size: the parsed message (estimated). */
  static final long RECORD_OVERHEAD_BYTES = 128;

  private static final class Stream {
    final List<JobOutput> records = new ArrayList<>();
    boolean whole;
    long bytes = STREAM_OVERHEAD_BYTES;

    Stream(boolean whole) {
      this.whole = whole;
    }
  }

  private final long maxBytes;
  private final long jobMaxBytes;
  private final LinkedHashMap<String, Stream> streams = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;

  RecentStreams(long maxBytes, long jobMaxBytes) {
    this.maxBytes = maxBytes;
    this.jobMaxBytes = jobMaxBytes;
  }

  /** A job none of whose records can have been published yet: its stream will pass here whole. */
  void expect(String jobId) {
    if (!streams.containsKey(jobId)) {
      put(jobId, new Stream(true));
    }
  }

  void add(String jobId, JobOutput record) {
    Stream stream = streams.get(jobId);
    if (stream == null) {
      stream = new Stream(record.getDeliveryAttempt() <= 1 && record.getSeq() == 1);
      put(jobId, stream);
    }
    if (!stream.whole) {
      return; // of no use to anyone: subscribers read such a stream back from Kafka
    }
    long weight = weight(record);
    if (stream.bytes + weight > jobMaxBytes + STREAM_OVERHEAD_BYTES) {
      stream.records.clear();
      stream.whole = false;
      bytes -= stream.bytes - STREAM_OVERHEAD_BYTES;
      stream.bytes = STREAM_OVERHEAD_BYTES;
      return;
    }
    stream.records.add(record);
    stream.bytes += weight;
    bytes += weight;
    evictBeyondBounds(stream);
  }

  /** The job's records, when they are known whole from the first; empty otherwise. */
  Optional<List<JobOutput>> snapshot(String jobId) {
    Stream stream = streams.get(jobId);
    return stream != null && stream.whole
        ? Optional.of(List.copyOf(stream.records))
        : Optional.empty();
  }

  /** Keeps a finished job's stream read back from Kafka, if none is kept and it fits. */
  void keepReplayed(String jobId, List<JobOutput> records) {
    if (streams.containsKey(jobId)) {
      return;
    }
    Stream stream = new Stream(true);
    for (JobOutput record : records) {
      stream.bytes += weight(record);
      stream.records.add(record);
    }
    if (stream.bytes <= jobMaxBytes + STREAM_OVERHEAD_BYTES) {
      put(jobId, stream);
    }
  }

  long bytes() {
    return bytes;
  }

  int size() {
    return streams.size();
  }

  private void put(String jobId, Stream stream) {
    streams.put(jobId, stream);
    bytes += stream.bytes;
    evictBeyondBounds(stream);
  }

  private void evictBeyondBounds(Stream keep) {
    Iterator<Stream> eldest = streams.values().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      Stream evicted = eldest.next();
      if (evicted == keep) {
        break;
      }
      eldest.remove();
      bytes -= evicted.bytes;
    }
  }

  private static long weight(JobOutput record) {
    return RECORD_OVERHEAD_BYTES + record.getSerializedSize();
  }
}
