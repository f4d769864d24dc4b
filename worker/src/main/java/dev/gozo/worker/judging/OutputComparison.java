package dev.gozo.worker.judging;

import dev.gozo.protocol.v1.Checker;
import dev.gozo.protocol.v1.CheckerType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The built-in checkers: whether a program's output matches a test's expected output under EXACT,
 * LINES, TOKENS or FLOAT rules. Pure logic. A mismatch comes with a short reason for the test's
 * checker message ("line 3 differs", "token 5: expected 0.5, got 0.52").
 */
public final class OutputComparison {

  private static final int SHOWN_CHARS = 60;

  private OutputComparison() {}

  /** Empty when {@code actual} matches {@code expected}, else why not. */
  public static Optional<String> mismatch(Checker checker, byte[] expected, byte[] actual) {
    CheckerType type =
        checker.getType() == CheckerType.CHECKER_TYPE_UNSPECIFIED
            ? CheckerType.EXACT
            : checker.getType();
    return switch (type) {
      case LINES -> lines(text(expected), text(actual));
      case TOKENS -> tokens(text(expected), text(actual), -1);
      case FLOAT -> tokens(text(expected), text(actual), checker.getEpsilon());
      default -> exact(expected, actual);
    };
  }

  private static Optional<String> exact(byte[] expected, byte[] actual) {
    if (Arrays.equals(expected, actual)) {
      return Optional.empty();
    }
    int at = Arrays.mismatch(expected, actual);
    return Optional.of(
        "output differs at byte "
            + at
            + " (expected "
            + expected.length
            + " bytes, got "
            + actual.length
            + ")");
  }

  private static Optional<String> lines(String expected, String actual) {
    List<String> want = trimmedLines(expected);
    List<String> got = trimmedLines(actual);
    for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
      String a = i < want.size() ? want.get(i) : null;
      String b = i < got.size() ? got.get(i) : null;
      if (a == null || b == null || !a.equals(b)) {
        return Optional.of(
            "line "
                + (i + 1)
                + ": expected "
                + (a == null ? "no line" : quote(a))
                + ", got "
                + (b == null ? "no line" : quote(b)));
      }
    }
    return Optional.empty();
  }

  /** Lines without trailing whitespace, without the blank lines at the end. */
  static List<String> trimmedLines(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      lines.add(line.stripTrailing());
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  /** Token by token; with an epsilon >= 0, two numeric tokens match within it. */
  private static Optional<String> tokens(String expected, String actual, double epsilon) {
    String[] want = split(expected);
    String[] got = split(actual);
    for (int i = 0; i < Math.max(want.length, got.length); i++) {
      if (i >= want.length || i >= got.length) {
        return Optional.of(
            "expected "
                + want.length
                + " tokens, got "
                + got.length
                + " (differs at token "
                + (i + 1)
                + ")");
      }
      if (!tokenMatches(want[i], got[i], epsilon)) {
        return Optional.of(
            "token " + (i + 1) + ": expected " + quote(want[i]) + ", got " + quote(got[i]));
      }
    }
    return Optional.empty();
  }

  static boolean tokenMatches(String expected, String actual, double epsilon) {
    if (expected.equals(actual)) {
      return true;
    }
    if (epsilon < 0) {
      return false;
    }
    Double a = number(expected);
    Double b = number(actual);
    if (a == null || b == null) {
      return false;
    }
    if (a.isNaN() || b.isNaN()) {
      return a.isNaN() && b.isNaN();
    }
    if (a.isInfinite() || b.isInfinite()) {
      return a.equals(b);
    }
    double difference = Math.abs(a - b);
    // Absolute or relative to the expected value, whichever is larger; the relative slack of
    // 1e-9 absorbs decimal text's rounding to binary (1.01 - 1.0 is 0.010000000000000009), so
    // a difference of exactly epsilon is accepted.
    double tolerance = Math.max(epsilon, epsilon * Math.abs(a));
    return difference <= tolerance * (1 + 1e-9);
  }

  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  /** A decimal number (as programs print them), nan or inf; null for any other token. */
  private static Double number(String token) {
    String lower = token.toLowerCase(java.util.Locale.ROOT);
    switch (lower) {
      case "nan", "+nan", "-nan":
        return Double.NaN;
      case "inf", "+inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        return DECIMAL.matcher(token).matches() ? Double.valueOf(token) : null;
    }
  }

  private static String[] split(String text) {
    String trimmed = text.strip();
    return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "\n");
  }

  private static String quote(String text) {
    String shown = text.length() > SHOWN_CHARS ? text.substring(0, SHOWN_CHARS) + "..." : text;
    return "\"" + shown + "\"";
  }
}
