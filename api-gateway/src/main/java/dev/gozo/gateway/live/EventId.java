package dev.gozo.gateway.live;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an event stands in a job's stream, and the SSE {@code id} of the event: {@code 0-0} for
 * queued, {@code <attempt>-0} for the start of a delivery attempt, {@code <attempt>-<seq>} for the
 * worker's output records of that attempt, {@code result} for the result, which comes last. Ids are
 * ordered by attempt, then seq; a client that resumes after an id gets exactly the events ordered
 * after it.
 */
public record EventId(int attempt, long seq) implements Comparable<EventId> {

  /** The queued event, first of every stream. */
  public static final EventId QUEUED = new EventId(0, 0);

  /** The result, after everything else. */
  public static final EventId RESULT = new EventId(Integer.MAX_VALUE, Long.MAX_VALUE);

  private static final Pattern WIRE = Pattern.compile("(\\d{1,9})-(\\d{1,18})");

  /** The start of delivery attempt {@code attempt}. */
  public static EventId started(int attempt) {
    return new EventId(attempt, 0);
  }

  /** Parses an SSE id as this class writes it; empty for anything else. */
  public static Optional<EventId> parse(String wire) {
    if (wire == null) {
      return Optional.empty();
    }
    String trimmed = wire.trim();
    if (trimmed.equals("result")) {
      return Optional.of(RESULT);
    }
    Matcher matcher = WIRE.matcher(trimmed);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new EventId(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2))));
  }

  @Override
  public int compareTo(EventId other) {
    int byAttempt = Integer.compare(attempt, other.attempt);
    return byAttempt != 0 ? byAttempt : Long.compare(seq, other.seq);
  }

  public boolean isAfter(EventId other) {
    return compareTo(other) > 0;
  }

  @Override
  public String toString() {
    return equals(RESULT) ? "result" : attempt + "-" + seq;
  }
}
