package dev.gozo.gateway.jobs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header a gateway puts on the queued events it publishes, so that every gateway reading the
 * events topic can skip one it already knows without decoding it (one event per job, read by every
 * gateway). Written by intake, read by progress; the bytes are part of the events topic's format.
 */
public final class JobEventHeaders {

  /** The header's name. */
  public static final String KIND = "gozo-kind";

  /** Its value on a queued event. */
  private static final byte[] QUEUED = "queued".getBytes(StandardCharsets.US_ASCII);

  private JobEventHeaders() {}

  /** The value to write on a queued event (a copy: callers may not change the shared bytes). */
  public static byte[] queuedKind() {
    return QUEUED.clone();
  }

  /** Whether a {@link #KIND} header's value (null when absent) marks a queued event. */
  public static boolean isQueued(byte[] kind) {
    return kind != null && Arrays.equals(kind, QUEUED);
  }
}
