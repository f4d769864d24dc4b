package dev.gozo.gateway.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.google.protobuf.ByteString;
import dev.gozo.gateway.webhooks.CallbackRequest;
import dev.gozo.jobspec.Violation;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.SourceFile;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the JSON body of {@code POST /v1/executions} into an {@link ExecuteJob} (without id, tenant
 * and time, which the gateway adds). It checks only what JSON and HTTP decide: the body's shape,
 * value types, encodings and base64. Whether the job may run is {@code JobValidator}'s call, so the
 * worker applies the same rules to jobs that never passed through HTTP.
 *
 * <p>The body is walked as a tree rather than bound to classes so that every wrong type is reported
 * with the JSON path of the field, never as a 500 or a parser message. Unknown fields are ignored
 * (clients may send newer fields), except inside {@code limits}: a misspelt limit would otherwise
 * silently run with the default.
 */
@Singleton
public final class ExecutionRequestReader {

  /**
   * What was read, and what was wrong with it; the job is meaningful only without problems. {@code
   * callback} is the request's webhook, null when it named none (or a malformed one).
   */
  public record Read(ExecuteJob.Builder job, List<Violation> problems, CallbackRequest callback) {

    public Read(ExecuteJob.Builder job, List<Violation> problems) {
      this(job, problems, null);
    }
  }

  private static final List<String> LIMITS =
      List.of("wallTimeMs", "cpuTimeMs", "memoryMb", "processes", "outputBytes");

  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  private final JsonMapper json;

  public ExecutionRequestReader(JsonMapper json) {
    this.json = json;
  }

  public Read read(byte[] body) {
    ExecuteJob.Builder job = ExecuteJob.newBuilder();
    List<Violation> problems = new ArrayList<>();
    if (body == null || body.length == 0) {
      problems.add(new Violation("body", "is empty; send a JSON object describing the execution"));
      return new Read(job, problems);
    }
    JsonNode root;
    try {
      root = json.readValue(body, JsonNode.class);
      requireNothingAfterTheValue(body);
    } catch (IOException | RuntimeException e) {
      problems.add(new Violation("body", "is not valid JSON"));
      return new Read(job, problems);
    }
    if (root == null || !root.isObject()) {
      problems.add(new Violation("body", "must be a JSON object"));
      return new Read(job, problems);
    }
    stringField(root, "language", problems).ifPresent(job::setLanguage);
    stringField(root, "version", problems).ifPresent(job::setVersion);
    readFiles(root.get("files"), job, problems);
    stringField(root, "stdin", problems)
        .ifPresent(stdin -> job.setStdin(ByteString.copyFromUtf8(stdin)));
    readArgs(root.get("args"), job, problems);
    readLimits(root.get("limits"), job, problems);
    return new Read(job, problems, readCallback(root.get("callback"), problems));
  }

  /** {"url", "secret"}: both strings; whether they are allowed is {@code CallbackPolicy}'s call. */
  private static CallbackRequest readCallback(JsonNode callback, List<Violation> problems) {
    if (isAbsent(callback)) {
      return null;
    }
    if (!callback.isObject()) {
      problems.add(new Violation("callback", "must be an object with url and secret"));
      return null;
    }
    int before = problems.size();
    String url = readString(callback.get("url"), "callback.url", problems).orElse(null);
    String secret = readString(callback.get("secret"), "callback.secret", problems).orElse(null);
    if (problems.size() > before) {
      return null;
    }
    // Missing values are reported by the policy, with the other rules of the field.
    return new CallbackRequest(url, secret);
  }

  /** The tree reader stops after the first value; "{} {}" must still be a bad body. */
  private static void requireNothingAfterTheValue(byte[] body) throws IOException {
    try (JsonParser parser = JSON_FACTORY.createParser(body)) {
      parser.nextToken();
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw new IOException("content after the JSON value");
      }
    }
  }

  private static Optional<String> stringField(
      JsonNode parent, String name, List<Violation> problems) {
    return readString(parent.get(name), name, problems);
  }

  private static Optional<String> readString(
      JsonNode node, String field, List<Violation> problems) {
    if (isAbsent(node)) {
      return Optional.empty();
    }
    if (!node.isString()) {
      problems.add(new Violation(field, "must be a string"));
      return Optional.empty();
    }
    return Optional.of(node.getStringValue());
  }

  private static void readFiles(JsonNode files, ExecuteJob.Builder job, List<Violation> problems) {
    if (isAbsent(files)) {
      return;
    }
    if (!files.isArray()) {
      problems.add(new Violation("files", "must be an array of {name, content, encoding}"));
      return;
    }
    for (int i = 0; i < files.size(); i++) {
      String field = "files[" + i + "]";
      JsonNode file = files.get(i);
      if (file == null || !file.isObject()) {
        problems.add(new Violation(field, "must be an object with name, content and encoding"));
        continue;
      }
      SourceFile.Builder source = SourceFile.newBuilder();
      readString(file.get("name"), field + ".name", problems).ifPresent(source::setName);
      String encoding =
          readString(file.get("encoding"), field + ".encoding", problems).orElse("utf8");
      JsonNode content = file.get("content");
      if (isAbsent(content)) {
        problems.add(new Violation(field + ".content", "is required (\"\" for an empty file)"));
      } else if (!content.isString()) {
        problems.add(new Violation(field + ".content", "must be a string"));
      } else {
        decode(content.getStringValue(), encoding, field, problems).ifPresent(source::setContent);
      }
      job.addFiles(source);
    }
  }

  private static Optional<ByteString> decode(
      String content, String encoding, String field, List<Violation> problems) {
    switch (encoding) {
      case "utf8", "utf-8":
        return Optional.of(ByteString.copyFromUtf8(content));
      case "base64":
        try {
          // Line breaks and spaces (as `base64` writes them) are fine; anything else is not.
          String compact = content.replaceAll("[\\s]", "");
          return Optional.of(ByteString.copyFrom(Base64.getDecoder().decode(compact)));
        } catch (IllegalArgumentException e) {
          problems.add(new Violation(field + ".content", "is not valid base64"));
          return Optional.empty();
        }
      default:
        problems.add(new Violation(field + ".encoding", "must be \"utf8\" or \"base64\""));
        return Optional.empty();
    }
  }

  private static void readArgs(JsonNode args, ExecuteJob.Builder job, List<Violation> problems) {
    if (isAbsent(args)) {
      return;
    }
    if (!args.isArray()) {
      problems.add(new Violation("args", "must be an array of strings"));
      return;
    }
    for (int i = 0; i < args.size(); i++) {
      JsonNode arg = args.get(i);
      if (arg == null || !arg.isString()) {
        problems.add(new Violation("args[" + i + "]", "must be a string"));
      } else {
        job.addArgs(arg.getStringValue());
      }
    }
  }

  private static void readLimits(
      JsonNode limits, ExecuteJob.Builder job, List<Violation> problems) {
    if (isAbsent(limits)) {
      return;
    }
    if (!limits.isObject()) {
      problems.add(new Violation("limits", "must be an object"));
      return;
    }
    Limits.Builder builder = Limits.newBuilder();
    for (Map.Entry<String, JsonNode> entry : limits.entries()) {
      String name = entry.getKey();
      String field = "limits." + name;
      if (!LIMITS.contains(name)) {
        problems.add(
            new Violation(field, "unknown limit; known limits are " + String.join(", ", LIMITS)));
        continue;
      }
      if (isAbsent(entry.getValue())) {
        continue;
      }
      Long value = wholeNumber(entry.getValue(), field, problems);
      if (value == null) {
        continue;
      }
      switch (name) {
        case "wallTimeMs" -> builder.setWallTimeMs(value);
        case "cpuTimeMs" -> builder.setCpuTimeMs(value);
        case "outputBytes" -> builder.setOutputBytes(value);
        case "memoryMb" -> toInt(value, field, problems).ifPresent(builder::setMemoryMb);
        case "processes" -> toInt(value, field, problems).ifPresent(builder::setProcesses);
        default -> throw new IllegalStateException("unreachable: " + name);
      }
    }
    job.setLimits(builder);
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

  private static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull();
  }
}
