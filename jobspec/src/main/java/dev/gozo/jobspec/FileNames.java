package dev.gozo.jobspec;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a request's file name may look like: a plain relative path of simple segments. The rule is
 * deliberately narrow (letters, digits, '.', '_', '-'): names are substituted into the runtime's
 * commands, so nothing a shell would interpret can ever get through, and no path can climb out of
 * the work directory.
 */
public final class FileNames {

  public static final int MAX_LENGTH = 200;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");

  private FileNames() {}

  /** Empty when the name is acceptable, else the reason it is not. */
  public static Optional<String> problemWith(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of("must be at most " + MAX_LENGTH + " characters");
    }
    if (name.startsWith("/")) {
      return Optional.of("must be a relative path, not an absolute one");
    }
    for (String segment : name.split("/", -1)) {
      if (segment.equals("..")) {
        return Optional.of("must not contain '..'");
      }
      if (segment.isEmpty() || segment.equals(".")) {
        return Optional.of("must not contain empty or '.' path segments");
      }
      if (!SEGMENT.matcher(segment).matches()) {
        return Optional.of(
            "each path segment must start with a letter, digit or '_' and contain only"
                + " letters, digits, '.', '_' and '-'");
      }
    }
    if (name.startsWith(".gozo")) {
      return Optional.of("names starting with '.gozo' are reserved");
    }
    return Optional.empty();
  }

  /** "pkg/Main.java" becomes "pkg/Main". */
  public static String stem(String name) {
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    return dot > slash + 1 ? name.substring(0, dot) : name;
  }
}
