package dev.gozo.worker.judging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gozo.protocol.v1.Checker;
import dev.gozo.protocol.v1.CheckerType;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutputComparisonTest {

  private static Optional<String> compare(Checker checker, String expected, String actual) {
    return OutputComparison.mismatch(
        checker,
        expected.getBytes(StandardCharsets.UTF_8),
        actual.getBytes(StandardCharsets.UTF_8));
  }

  private static Checker of(CheckerType type) {
    return Checker.newBuilder().setType(type).build();
  }

  private static Checker floats(double epsilon) {
    return Checker.newBuilder().setType(CheckerType.FLOAT).setEpsilon(epsilon).build();
  }

  @Test
  void exactComparesEveryByteAndIsTheDefault() {
    assertThat(compare(of(CheckerType.EXACT), "42\n", "42\n")).isEmpty();
    assertThat(compare(of(CheckerType.EXACT), "42\n", "42")).isPresent();
    assertThat(compare(Checker.getDefaultInstance(), "42\n", "42 \n"))
        .hasValueSatisfying(m -> assertThat(m).contains("byte 2"));
  }

  @Test
  void linesIgnoreTrailingWhitespaceAndTrailingBlankLinesOnly() {
    Checker lines = of(CheckerType.LINES);
    assertThat(compare(lines, "a b\nc\n", "a b   \nc\t\n\n\n")).isEmpty();
    assertThat(compare(lines, "a b\nc", "a b\r\nc\r\n")).isEmpty();
    assertThat(compare(lines, "a b\nc\n", "a  b\nc\n"))
        .hasValueSatisfying(m -> assertThat(m).startsWith("line 1"));
    assertThat(compare(lines, "a\n\nb\n", "a\nb\n")).isPresent();
    assertThat(compare(lines, "a\nb\n", " a\nb\n")).isPresent();
  }

  @Test
  void tokensIgnoreAllWhitespace() {
    Checker tokens = of(CheckerType.TOKENS);
    assertThat(compare(tokens, "1 2 3\n", "  1\n2\t\t3")).isEmpty();
    assertThat(compare(tokens, "1 2 3", "1 2"))
        .hasValueSatisfying(m -> assertThat(m).contains("3 tokens, got 2"));
    assertThat(compare(tokens, "1.0", "1")).isPresent();
  }

  @Test
  void floatAcceptsADifferenceOfExactlyEpsilonAndNothingMore() {
    assertThat(compare(floats(0.01), "1.0", "1.01")).isEmpty();
    assertThat(compare(floats(0.01), "1.0", "0.99")).isEmpty();
    assertThat(compare(floats(0.01), "1.0", "1.0101"))
        .hasValueSatisfying(m -> assertThat(m).contains("token 1"));
    assertThat(compare(floats(0.001), "0.5 x 2", "0.5004 x 2.0")).isEmpty();
    assertThat(compare(floats(0.001), "0.5 x 2", "0.5004 y 2.0")).isPresent();
  }

  @Test
  void floatEpsilonIsAlsoRelativeToTheExpectedValue() {
    assertThat(compare(floats(1e-6), "1000000", "1000001")).isEmpty();
    assertThat(compare(floats(1e-6), "1000000", "1000002")).isPresent();
  }

  @Test
  void floatWithZeroEpsilonStillEqualsTheSameNumberWrittenDifferently() {
    assertThat(compare(floats(0), "1.50", "1.5")).isEmpty();
    assertThat(compare(floats(0), "1e3", "1000")).isEmpty();
    assertThat(compare(floats(0), "1.5", "1.5000001")).isPresent();
  }

  @Test
  void floatComparesNonNumbersAsText() {
    assertThat(compare(floats(0.5), "yes", "yes")).isEmpty();
    assertThat(compare(floats(0.5), "1", "1f")).isPresent();
    assertThat(compare(floats(0.5), "nan inf", "NaN Infinity")).isEmpty();
  }
}
