package dev.gozo.topics;

import dev.gozo.protocol.v1.JobCompleted;

/**
 * What a look for one job's result in the results topic found. "Not published" and "could not tell"
 * are different answers: a lookup that gave up (deadline, broker away) must never be read as "there
 * is no result", or a gateway answers 404 for a job that finished and a worker runs a finished job
 * again.
 */
public sealed interface ResultSearch {

  /** The result the job's worker published. */
  record Found(JobCompleted result) implements ResultSearch {}

  /** The whole part of the partition that could hold the result was read: it is not there. */
  record NotPublished() implements ResultSearch {}

  /** The search did not finish (deadline passed, Kafka failed); nothing is known. */
  record Unfinished(String reason) implements ResultSearch {}

  static ResultSearch found(JobCompleted result) {
    return new Found(result);
  }

  static ResultSearch notPublished() {
    return new NotPublished();
  }

  static ResultSearch unfinished(String reason) {
    return new Unfinished(reason);
  }
}
