package dev.gozo.gateway.compat.judge0;

import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each recent Judge0 request sent, by token, for the answers that show it ({@code
 * fields=source_code}, {@code redirect_stderr_to_stdout}, the {@code language_id} as sent). Our
 * result does not carry the request, so this lives in the gateway that took it, bounded: a
 * submission read from another gateway, after a restart, or after {@link #MAX_ENTRIES} newer ones
 * shows those attributes as null and its streams apart.
 */
@Singleton
final class Judge0Echoes {

  /** Enough for the submissions a client still polls; each entry's text is bounded below. */
  static final int MAX_ENTRIES = 10_000;

  /** Longer source, stdin or expected output is not kept for echoing (it is shown as null). */
  static final int MAX_ECHOED_BYTES = 64 * 1024;

  private final Map<String, Map<String, Object>> echoes =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  synchronized void remember(String token, Map<String, Object> echo) {
    Map<String, Object> kept = new LinkedHashMap<>(echo);
    kept.replaceAll(
        (name, value) ->
            value instanceof com.google.protobuf.ByteString bytes && bytes.size() > MAX_ECHOED_BYTES
                ? null
                : value);
    kept.remove("additional_files");
    echoes.put(token, kept);
  }

  synchronized Map<String, Object> of(String token) {
    return echoes.getOrDefault(token, Map.of());
  }
}
