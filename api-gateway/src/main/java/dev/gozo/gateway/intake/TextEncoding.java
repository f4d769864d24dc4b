package dev.gozo.gateway.intake;

import com.google.protobuf.ByteString;
import dev.gozo.jobspec.Violation;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * How a request writes bytes in a JSON string: {@code "encoding": "utf8"} (the default) or {@code
 * "base64"}. One rule for a file's {@code content} and a test's {@code stdin} and {@code
 * expectedOutput}, so binary data is sent the same way everywhere.
 */
enum TextEncoding {
  UTF8,
  BASE64;

  /** The encoding a request names (absent: UTF8); empty, with a problem, for any other name. */
  static Optional<TextEncoding> named(String name, String field, List<Violation> problems) {
    switch (name == null ? "utf8" : name) {
      case "utf8", "utf-8":
        return Optional.of(UTF8);
      case "base64":
        return Optional.of(BASE64);
      default:
        problems.add(new Violation(field, "must be \"utf8\" or \"base64\""));
        return Optional.empty();
    }
  }

  /** The bytes {@code text} stands for; empty, with a problem naming {@code field}, if none. */
  Optional<ByteString> decode(String text, String field, List<Violation> problems) {
    if (this == UTF8) {
      return Optional.of(ByteString.copyFromUtf8(text));
    }
    try {
      // Line breaks and spaces (as `base64` writes them) are fine; anything else is not.
      String compact = text.replaceAll("[\\s]", "");
      return Optional.of(ByteString.copyFrom(Base64.getDecoder().decode(compact)));
    } catch (IllegalArgumentException e) {
      problems.add(new Violation(field, "is not valid base64"));
      return Optional.empty();
    }
  }
}
