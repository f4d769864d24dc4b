package dev.gozo.gateway.compat.judge0;

import dev.gozo.jobspec.Violation;
import io.micronaut.json.tree.JsonNode;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Reads a Judge0 field's value as Judge0 (Rails) does: JSON null is absent, a number may also be a
 * numeric string, a boolean also "true"/"false". A value of the wrong type is a problem named after
 * the field, with Rails' wording, never an exception.
 */
final class Judge0Values {

  private Judge0Values() {}

  static Optional<String> string(JsonNode body, String field, List<Violation> problems) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isString()) {
      problems.add(new Violation(field, "must be a string"));
      return Optional.empty();
    }
    return Optional.of(node.getStringValue());
  }

  static Optional<Double> number(JsonNode body, String field, List<Violation> problems) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (node.isNumber()) {
      return finite(node.getNumberValue().doubleValue(), field, problems);
    }
    if (node.isString() && !node.getStringValue().isBlank()) {
      try {
        return finite(Double.parseDouble(node.getStringValue().trim()), field, problems);
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problems.add(new Violation(field, "is not a number"));
    return Optional.empty();
  }

  static Optional<Double> nonNegative(JsonNode body, String field, List<Violation> problems) {
    Optional<Double> value = number(body, field, problems);
    if (value.isPresent() && value.get() < 0) {
      problems.add(new Violation(field, "must be greater than or equal to 0"));
      return Optional.empty();
    }
    return value;
  }

  static Optional<Boolean> bool(JsonNode body, String field, List<Violation> problems) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (node.isBoolean()) {
      return Optional.of(node.getBooleanValue());
    }
    if (node.isString() && List.of("true", "false").contains(node.getStringValue())) {
      return Optional.of(Boolean.parseBoolean(node.getStringValue()));
    }
    problems.add(new Violation(field, "must be true or false"));
    return Optional.empty();
  }

  /** Judge0 decodes leniently (line breaks, as `base64` writes them, are fine). */
  static Optional<byte[]> base64(String text, String field, List<Violation> problems) {
    try {
      return Optional.of(Base64.getMimeDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      problems.add(new Violation(field, "is not valid base64"));
      return Optional.empty();
    }
  }

  private static Optional<Double> finite(double value, String field, List<Violation> problems) {
    if (!Double.isFinite(value)) {
      problems.add(new Violation(field, "is not a number"));
      return Optional.empty();
    }
    return Optional.of(value);
  }
}
