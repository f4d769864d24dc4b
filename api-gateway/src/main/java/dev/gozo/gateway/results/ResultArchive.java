package dev.gozo.gateway.results;

import dev.gozo.protocol.v1.JobCompleted;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Results older than what the in-memory {@link JobStateStore} keeps: the results topic itself.
 * Completes exceptionally when the answer cannot be had (Kafka away, too many lookups at once).
 */
public interface ResultArchive {

  CompletableFuture<Optional<JobCompleted>> find(String jobId);
}
