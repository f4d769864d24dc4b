package dev.gozo.gateway.results;

import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.topics.ResultSearch;
import java.util.concurrent.CompletableFuture;

/**
 * Results older than what the in-memory {@link JobStateStore} keeps: the results topic itself. A
 * search that could not finish is {@link ResultSearch.Unfinished} (the caller answers 503), never
 * "not published". Throws {@link java.util.concurrent.RejectedExecutionException} when too many
 * lookups wait already.
 */
public interface ResultArchive {

  CompletableFuture<ResultSearch> find(String jobId);
}
