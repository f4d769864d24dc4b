package dev.gozo.gateway.fakes;

import dev.gozo.gateway.TestGateway;
import dev.gozo.gateway.results.KafkaResultArchive;
import dev.gozo.gateway.results.ResultArchive;
import dev.gozo.topics.ResultSearch;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;

/** No results topic: whatever the store does not hold is unknown. */
@Singleton
@Replaces(KafkaResultArchive.class)
@Requires(env = TestGateway.FAKE_KAFKA)
public final class NoResultArchive implements ResultArchive {

  @Override
  public CompletableFuture<ResultSearch> find(String jobId) {
    return CompletableFuture.completedFuture(new ResultSearch.NotPublished());
  }
}
