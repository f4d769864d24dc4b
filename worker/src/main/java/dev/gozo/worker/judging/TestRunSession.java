package dev.gozo.worker.judging;

import dev.gozo.worker.sandbox.LiveSession;
import java.util.concurrent.CompletableFuture;

/**
 * The live session of one test's run (or a checker's): it streams nothing, since a judged job's
 * stream carries one {@code test} record per test instead of up to 256 programs' output, and it is
 * cancelled when the job is.
 */
final class TestRunSession extends LiveSession.Unwatched {

  private final LiveSession job;

  TestRunSession(LiveSession job) {
    this.job = job;
  }

  @Override
  public CompletableFuture<Void> cancelled() {
    return job.cancelled();
  }
}
