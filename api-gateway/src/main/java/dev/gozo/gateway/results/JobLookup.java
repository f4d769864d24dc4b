package dev.gozo.gateway.results;

import dev.gozo.gateway.jobs.JobState;
import dev.gozo.gateway.jobs.JobStateStore;
import dev.gozo.topics.ResultSearch;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a tenant's job for any endpoint that names one by id: in the store, else (once the store
 * has read the results back at start-up) its result on the results topic ({@link ResultArchive}).
 * Another tenant's job is {@link NotFound}, exactly like an unknown one. Only a search that read
 * the id's whole partition says {@link NotFound}; anything else is {@link Unavailable} (503).
 */
@Singleton
public final class JobLookup {

  private static final Logger LOG = LoggerFactory.getLogger(JobLookup.class);

  /** What a lookup found. */
  public sealed interface Lookup {}

  /** The job, as the store holds it or as its result on the results topic says. */
  public record Found(JobState state) implements Lookup {}

  /** No such job for this tenant. */
  public record NotFound() implements Lookup {}

  /** It could not be known now (still reading results, or Kafka too slow): 503, retry. */
  public record Unavailable(String reason) implements Lookup {}

  private final JobStateStore store;
  private final ResultArchive archive;

  public JobLookup(JobStateStore store, ResultArchive archive) {
    this.store = store;
    this.archive = archive;
  }

  public CompletableFuture<Lookup> find(String id, String tenant) {
    Optional<JobState> state = store.find(id, tenant);
    if (state.isPresent()) {
      return CompletableFuture.completedFuture(new Found(state.get()));
    }
    if (!store.isReplayed()) {
      // Right after start-up the result may simply not have been read back yet.
      return CompletableFuture.completedFuture(
          new Unavailable("the gateway is still reading results; retry shortly"));
    }
    return fromArchive(id, tenant);
  }

  /**
   * A result the store evicted (or never saw), read back from the results topic. Only a search that
   * read the whole partition may say not found; one that did not finish is unavailable.
   */
  CompletableFuture<Lookup> fromArchive(String id, String tenant) {
    CompletableFuture<ResultSearch> lookup;
    try {
      lookup = archive.find(id);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          new Unavailable("too many lookups of older results at once; retry shortly"));
    }
    return lookup.handle(
        (search, error) -> {
          if (error != null) {
            LOG.warn("job {}: reading its result back from Kafka failed", id, error);
            return new Unavailable("could not read older results from Kafka; retry shortly");
          }
          if (search instanceof ResultSearch.Unfinished unfinished) {
            LOG.warn("job {}: reading its result back did not finish: {}", id, unfinished.reason());
            return new Unavailable(
                "reading older results from Kafka did not finish in time; retry shortly");
          }
          if (search instanceof ResultSearch.Found found
              && found.result().getTenant().equals(tenant)) {
            store.recordCompleted(found.result());
            return new Found(JobState.finished(found.result()));
          }
          return new NotFound();
        });
  }
}
