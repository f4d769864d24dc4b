package dev.gozo.gateway.compat.piston;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code version} of a Piston request: a SemVer range as the npm {@code semver} package reads
 * it, which is what Piston matches runtimes with ({@code "*"}, {@code "3.x"}, {@code "3.11.x"},
 * {@code "^3"}, {@code "~3.11"}, {@code ">=3.10 <4"}, {@code "2 || 3"}, exact {@code "3.11.2"}).
 *
 * <p>Our catalogue's versions are what each toolchain reports, and a few have four parts ({@code
 * 17.0.21.1}); they are compared on their first three, and a range equal to the whole version
 * string always matches it. A range that does not parse matches nothing, as in {@code
 * semver.satisfies}: the client gets "runtime is unknown".
 */
final class VersionRange {

  private static final Pattern COMPARATOR =
      Pattern.compile(
          "(\\^|~>?|>=|<=|>|<|=)?v?(\\d+|[xX*])(?:\\.(\\d+|[xX*]))?(?:\\.(\\d+|[xX*]))?"
              + "(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?");

  private final String text;
  private final List<List<Predicate<long[]>>> alternatives;

  private VersionRange(String text, List<List<Predicate<long[]>>> alternatives) {
    this.text = text;
    this.alternatives = alternatives;
  }

  static VersionRange parse(String range) {
    String text = range == null ? "" : range.trim();
    List<List<Predicate<long[]>>> alternatives = new ArrayList<>();
    for (String alternative : text.split("\\|\\|", -1)) {
      List<Predicate<long[]>> all = new ArrayList<>();
      for (String part : alternative.trim().split("\\s+")) {
        if (part.isEmpty()) {
          continue; // "" and "*" both mean any version
        }
        Predicate<long[]> comparator = comparator(part);
        if (comparator == null) {
          return new VersionRange(text, List.of()); // unparsable: matches nothing
        }
        all.add(comparator);
      }
      alternatives.add(all);
    }
    return new VersionRange(text, alternatives);
  }

  boolean matches(String version) {
    if (version.equals(text)) {
      return true;
    }
    long[] parts = numbers(version);
    if (parts == null) {
      return false;
    }
    return alternatives.stream().anyMatch(all -> all.stream().allMatch(p -> p.test(parts)));
  }

  /** The first three numeric parts of a catalogue version ("3.11.2", "17.0.21.1", "1.6"). */
  private static long[] numbers(String version) {
    String[] parts = version.split("[.\\-+]");
    long[] numbers = new long[3];
    for (int i = 0; i < 3 && i < parts.length; i++) {
      if (!parts[i].matches("\\d{1,18}")) {
        return null;
      }
      numbers[i] = Long.parseLong(parts[i]);
    }
    return numbers;
  }

  /** One comparator as the predicate it stands for, null when it is not one. */
  private static Predicate<long[]> comparator(String part) {
    Matcher m = COMPARATOR.matcher(part);
    if (!m.matches()) {
      return null;
    }
    String op = m.group(1) == null ? "" : m.group(1).toLowerCase(Locale.ROOT);
    // How many leading parts were given as numbers: "3.x" gives 1, "3.11.2" gives 3.
    long[] v = new long[3];
    int given = 0;
    for (int i = 0; i < 3; i++) {
      String group = m.group(i + 2);
      if (group == null || !Character.isDigit(group.charAt(0))) {
        break;
      }
      v[i] = Long.parseLong(group);
      given++;
    }
    if (given == 0) {
      // "*", "x", ">=*": any version; "<*" and ">*": none
      return op.equals("<") || op.equals(">") ? ignored -> false : ignored -> true;
    }
    long[] next = bump(v, given); // the first version past the partial one
    return switch (op) {
      case "", "=" -> given == 3 ? x -> compare(x, v) == 0 : between(v, next);
      case "^" -> between(v, caretUpper(v, given));
      case "~", "~>" -> between(v, bump(v, Math.min(given, 2)));
      case ">=" -> x -> compare(x, v) >= 0;
      case ">" -> given == 3 ? x -> compare(x, v) > 0 : x -> compare(x, next) >= 0;
      case "<" -> x -> compare(x, v) < 0;
      case "<=" -> given == 3 ? x -> compare(x, v) <= 0 : x -> compare(x, next) < 0;
      default -> null;
    };
  }

  /** ^ allows changes that do not touch the left-most non-zero part of those given. */
  private static long[] caretUpper(long[] v, int given) {
    if (v[0] > 0 || given == 1) {
      return bump(v, 1);
    }
    if (v[1] > 0 || given == 2) {
      return bump(v, 2);
    }
    return bump(v, 3);
  }

  /** {@code v} with part {@code count - 1} raised by one and the parts after it zeroed. */
  private static long[] bump(long[] v, int count) {
    long[] up = new long[3];
    for (int i = 0; i < count - 1; i++) {
      up[i] = v[i];
    }
    up[count - 1] = v[count - 1] + 1;
    return up;
  }

  private static Predicate<long[]> between(long[] lowest, long[] pastHighest) {
    return x -> compare(x, lowest) >= 0 && compare(x, pastHighest) < 0;
  }

  private static int compare(long[] a, long[] b) {
    for (int i = 0; i < 3; i++) {
      int c = Long.compare(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  @Override
  public String toString() {
    return text;
  }
}
