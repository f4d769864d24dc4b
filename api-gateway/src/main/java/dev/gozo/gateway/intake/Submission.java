package dev.gozo.gateway.intake;

import dev.gozo.gateway.jobs.JobState;
import dev.gozo.jobspec.Violation;
import java.util.List;

/** How a submission ended; each case maps to one HTTP answer. */
public sealed interface Submission {

  /** Published and durable (202, or 200 after waiting). */
  record Accepted(JobState state) implements Submission {}

  /** The request or the job is invalid (400). */
  record Invalid(List<Violation> violations) implements Submission {}

  /** Kafka could not take the job in time, or the circuit breaker is open (503). */
  record Unavailable(String reason, long retryAfterSeconds) implements Submission {}

  /** The tenant already has too many jobs waiting (429). */
  record Throttled(String reason, long retryAfterSeconds) implements Submission {}

  /** The job is larger than Kafka accepts (413). */
  record TooLarge(String reason) implements Submission {}
}
