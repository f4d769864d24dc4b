package dev.gozo.gateway.intake;

import dev.gozo.jobspec.Violation;
import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.SourceFile;
import io.micronaut.json.tree.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads the values of a request body's fields, each named by its JSON path ({@code
 * tests[2].limits.memoryMb}), so a value of the wrong type is a problem naming that path, never an
 * exception. The same files, args and limits appear at several places of a request (the job, a
 * test, a checker program): one reader each, given the path it reads.
 */
final class JsonFields {

  static final List<String> LIMITS =
      List.of("wallTimeMs", "cpuTimeMs", "memoryMb", "processes", "outputBytes");

  private JsonFields() {}

  /** JSON null means the same as a missing field. */
  static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull();
  }

  static Optional<String> string(JsonNode node, String field, List<Violation> problems) {
    return typed(node, JsonNode::isString, JsonNode::getStringValue, field, "a string", problems);
  }

  static Optional<Boolean> bool(JsonNode node, String field, List<Violation> problems) {
    return typed(
        node, JsonNode::isBoolean, JsonNode::getBooleanValue, field, "true or false", problems);
  }

  /** Any JSON number; whether it is in range is the validator's call. */
  static Optional<Double> number(JsonNode node, String field, List<Violation> problems) {
    return typed(
        node,
        JsonNode::isNumber,
        n -> n.getNumberValue().doubleValue(),
        field,
        "a number",
        problems);
  }

  /** The value of a present node of the expected type; a problem "must be {@code what}" if not. */
  private static <T> Optional<T> typed(
      JsonNode node,
      Predicate<JsonNode> hasType,
      Function<JsonNode, T> value,
      String field,
      String what,
      List<Violation> problems) {
    if (isAbsent(node)) {
      return Optional.empty();
    }
    if (!hasType.test(node)) {
      problems.add(new Violation(field, "must be " + what));
      return Optional.empty();
    }
    return Optional.of(value.apply(node));
  }

  /** [{name, content, encoding}]; the files that could be read (an absent field: none). */
  static List<SourceFile> files(JsonNode files, String field, List<Violation> problems) {
    List<SourceFile> read = new ArrayList<>();
    if (isAbsent(files)) {
      return read;
    }
    if (!files.isArray()) {
      problems.add(new Violation(field, "must be an array of {name, content, encoding}"));
      return read;
    }
    for (int i = 0; i < files.size(); i++) {
      String element = field + "[" + i + "]";
      JsonNode file = files.get(i);
      if (file == null || !file.isObject()) {
        problems.add(new Violation(element, "must be an object with name, content and encoding"));
        continue;
      }
      SourceFile.Builder source = SourceFile.newBuilder();
      string(file.get("name"), element + ".name", problems).ifPresent(source::setName);
      Optional<TextEncoding> encoding =
          TextEncoding.named(
              string(file.get("encoding"), element + ".encoding", problems).orElse(null),
              element + ".encoding",
              problems);
      JsonNode content = file.get("content");
      if (isAbsent(content)) {
        problems.add(new Violation(element + ".content", "is required (\"\" for an empty file)"));
      } else if (!content.isString()) {
        problems.add(new Violation(element + ".content", "must be a string"));
      } else {
        encoding
            .flatMap(e -> e.decode(content.getStringValue(), element + ".content", problems))
            .ifPresent(source::setContent);
      }
      read.add(source.build());
    }
    return read;
  }

  /** An array of strings; empty when the field is absent or not an array. */
  static Optional<List<String>> args(JsonNode args, String field, List<Violation> problems) {
    if (isAbsent(args)) {
      return Optional.empty();
    }
    if (!args.isArray()) {
      problems.add(new Violation(field, "must be an array of strings"));
      return Optional.empty();
    }
    List<String> read = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      JsonNode arg = args.get(i);
      if (arg == null || !arg.isString()) {
        problems.add(new Violation(field + "[" + i + "]", "must be a string"));
      } else {
        read.add(arg.getStringValue());
      }
    }
    return Optional.of(read);
  }

  /**
   * {wallTimeMs, cpuTimeMs, memoryMb, processes, outputBytes}. An unknown name is refused: a
   * misspelt limit would otherwise silently run with the default.
   */
  static Optional<Limits> limits(JsonNode limits, String field, List<Violation> problems) {
    if (isAbsent(limits)) {
      return Optional.empty();
    }
    if (!limits.isObject()) {
      problems.add(new Violation(field, "must be an object"));
      return Optional.empty();
    }
    Limits.Builder builder = Limits.newBuilder();
    for (Map.Entry<String, JsonNode> entry : limits.entries()) {
      String name = entry.getKey();
      String limit = field + "." + name;
      if (!LIMITS.contains(name)) {
        problems.add(
            new Violation(limit, "unknown limit; known limits are " + String.join(", ", LIMITS)));
        continue;
      }
      if (isAbsent(entry.getValue())) {
        continue;
      }
      Long value = wholeNumber(entry.getValue(), limit, problems);
      if (value == null) {
        continue;
      }
      switch (name) {
        case "wallTimeMs" -> builder.setWallTimeMs(value);
        case "cpuTimeMs" -> builder.setCpuTimeMs(value);
        case "outputBytes" -> builder.setOutputBytes(value);
        case "memoryMb" -> toInt(value, limit, problems).ifPresent(builder::setMemoryMb);
        case "processes" -> toInt(value, limit, problems).ifPresent(builder::setProcesses);
        default -> throw new IllegalStateException("unreachable: " + name);
      }
    }
    return Optional.of(builder.build());
  }

  /** Names the fields of {@code object} that are not {@code known}. */
  static void refuseUnknown(
      JsonNode object, String field, List<String> known, List<Violation> problems) {
    for (Map.Entry<String, JsonNode> entry : object.entries()) {
      if (!known.contains(entry.getKey())) {
        problems.add(
            new Violation(
                field + "." + entry.getKey(),
                "unknown field; known fields are " + String.join(", ", known)));
      }
    }
  }

  /** A JSON number without a fractional part that fits in a long; null (and a problem) if not. */
  private static Long wholeNumber(JsonNode node, String field, List<Violation> problems) {
    if (!node.isNumber()) {
      problems.add(new Violation(field, "must be a whole number"));
      return null;
    }
    Number number = node.getNumberValue();
    BigDecimal exact;
    if (number instanceof BigDecimal decimal) {
      exact = decimal;
    } else if (number instanceof BigInteger integer) {
      exact = new BigDecimal(integer);
    } else if (number instanceof Double || number instanceof Float) {
      double d = number.doubleValue();
      if (!Double.isFinite(d)) {
        problems.add(new Violation(field, "must be a whole number"));
        return null;
      }
      exact = BigDecimal.valueOf(d);
    } else {
      return number.longValue();
    }
    try {
      return exact.longValueExact();
    } catch (ArithmeticException e) {
      boolean fractional = exact.stripTrailingZeros().scale() > 0;
      problems.add(new Violation(field, fractional ? "must be a whole number" : "is too large"));
      return null;
    }
  }

  private static Optional<Integer> toInt(long value, String field, List<Violation> problems) {
    if (value > Integer.MAX_VALUE) {
      problems.add(new Violation(field, "is too large"));
      return Optional.empty();
    }
    // Negative values pass through: JobValidator reports them like any other out-of-range limit.
    return Optional.of((int) Math.max(value, Integer.MIN_VALUE));
  }
}
