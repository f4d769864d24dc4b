package dev.gozo.gateway.results;

import dev.gozo.gateway.DaemonThreads;
import dev.gozo.gateway.GatewayConfig;
import dev.gozo.gateway.jobs.JobIds;
import dev.gozo.topics.ResultSearch;
import dev.gozo.topics.ResultTopicScan;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Reads a job's result back from the results topic when the store has evicted it, so a result stays
 * readable for the topic's retention (7 days by default), not only while it is among the most
 * recent ones in memory.
 *
 * <p>A job id made by the gateway carries its submission time (UUIDv7), so only the part of one
 * partition written since then is read; an id derived from an Idempotency-Key does not, and its
 * whole partition is read, within the same deadline ({@code GOZO_RESULT_SCAN_TIMEOUT_MS}); a read
 * that does not reach the partition's end in time is {@link ResultSearch.Unfinished}. One thread
 * does the lookups, one after the other, with at most {@link #MAX_PENDING} waiting: more are
 * refused (503), so lookups cannot pile up. Ids no job of ours can have (not a UUIDv7 or v8, or
 * from the future) are not looked up at all.
 */
@Singleton
public final class KafkaResultArchive implements ResultArchive {

  static final int MAX_PENDING = 256;
  // Clocks of the gateway that made the id and of the broker that stamped the result may differ.
  private static final long CLOCK_SKEW_MS = ResultTopicScan.CLOCK_SKEW.toMillis();

  private final ResultTopicScan scan;
  private final Duration scanTimeout;
  private final ThreadPoolExecutor lookups =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(MAX_PENDING),
          DaemonThreads.named("gozo-result-archive"));

  public KafkaResultArchive(GatewayConfig config) {
    this.scan =
        new ResultTopicScan(config.kafkaBootstrap(), config.topicResults(), "gozo-gateway-archive");
    this.scanTimeout = Duration.ofMillis(config.resultScanTimeoutMs());
  }

  @Override
  public CompletableFuture<ResultSearch> find(String jobId) {
    OptionalLong from = scanStart(jobId, System.currentTimeMillis());
    if (from.isEmpty()) {
      return CompletableFuture.completedFuture(ResultSearch.notPublished());
    }
    // Throws RejectedExecutionException (the caller answers 503) when MAX_PENDING are waiting.
    return CompletableFuture.supplyAsync(
        () -> scan.find(jobId, from.getAsLong(), scanTimeout), lookups);
  }

  /**
   * Where to start reading for a job id, or empty when no job of ours can have it: only UUIDv7 ids
   * from the past and Idempotency-Key ids (UUIDv8) are looked up, so GETs of random or malformed
   * ids cost nothing.
   */
  static OptionalLong scanStart(String jobId, long nowMs) {
    OptionalLong createdAt = JobIds.createdAtMs(jobId);
    if (createdAt.isPresent()) {
      return createdAt.getAsLong() > nowMs + CLOCK_SKEW_MS
          ? OptionalLong.empty()
          : OptionalLong.of(Math.max(0, createdAt.getAsLong() - CLOCK_SKEW_MS));
    }
    return JobIds.isIdempotencyKeyId(jobId) ? OptionalLong.of(0) : OptionalLong.empty();
  }

  @PreDestroy
  void close() {
    lookups.shutdownNow();
    scan.close();
  }
}
