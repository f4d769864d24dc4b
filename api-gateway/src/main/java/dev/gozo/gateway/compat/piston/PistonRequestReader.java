package dev.gozo.gateway.compat.piston;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.ExecuteJob;
import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.Runtime;
import dev.gozo.protocol.v1.SourceFile;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Reads a Piston job ({@code POST /api/v2/execute}'s body, or the WebSocket's {@code init}) into
 * our {@link ExecuteJob}, checking what Piston checks, in its order and with its messages, so a
 * client that parses Piston's errors reads ours. What our own rules refuse beyond that (file names,
 * sizes) is {@code JobValidator}'s call, as for every job.
 *
 * <p>Limits are in Piston's units (ms, bytes). {@code -1} means "no limit beyond the server's": our
 * maximum. The run limits become the job's limits; the compile limits are checked against our
 * compile maxima but a job cannot carry them (a compile step always runs with its runtime's compile
 * limits), which README's Piston section says.
 */
@Singleton
final class PistonRequestReader {

  /** What was read: a job for a known runtime, or the 400 message Piston would give. */
  sealed interface Read {}

  /** {@code job} has no id, tenant or time yet; the intake adds them. */
  record Job(Runtime runtime, ExecuteJob.Builder job) implements Read {}

  record Rejected(String message) implements Read {}

  /** Piston's constraint names, in the order Piston checks them. */
  private enum Constraint {
    MEMORY_LIMIT("memory_limit"),
    TIMEOUT("timeout"),
    CPU_TIME("cpu_time");

    final String suffix;

    Constraint(String suffix) {
      this.suffix = suffix;
    }
  }

  private static final long MIB = 1024L * 1024L;

  private final JsonMapper json;
  private final PistonRuntimes runtimes;

  PistonRequestReader(JsonMapper json, PistonRuntimes runtimes) {
    this.json = json;
    this.runtimes = runtimes;
  }

  /** Parses the body whatever its Content-Type said: Piston's clients often send none. */
  JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return json.readValue(body, JsonNode.class);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Reads {@code root}. {@code appendNewline} keeps Piston's quirk of ending stdin with a line
   * break when it has none (empty stdin becomes "\n"): programs written against Piston count on it.
   */
  Read read(JsonNode root, boolean appendNewline) {
    if (root == null || !root.isObject()) {
      return new Rejected("the body must be a JSON object");
    }
    String language = string(root.get("language"));
    if (language == null || language.isEmpty()) {
      return new Rejected("language is required as a string");
    }
    String version = string(root.get("version"));
    if (version == null || version.isEmpty()) {
      return new Rejected("version is required as a string");
    }
    JsonNode files = root.get("files");
    if (files == null || !files.isArray()) {
      return new Rejected("files is required as an array");
    }
    for (int i = 0; i < files.size(); i++) {
      if (!files.get(i).isObject() || string(files.get(i).get("content")) == null) {
        return new Rejected("files[" + i + "].content is required as a string");
      }
    }
    Runtime runtime = runtimes.resolve(language, version).orElse(null);
    if (runtime == null) {
      return new Rejected(language + "-" + version + " runtime is unknown");
    }
    ExecuteJob.Builder job =
        ExecuteJob.newBuilder().setLanguage(runtime.getLanguage()).setVersion(runtime.getVersion());
    String fileProblem = addFiles(files, runtime, job);
    if (fileProblem != null) {
      return new Rejected(fileProblem);
    }
    Limits.Builder limits = Limits.newBuilder();
    for (Constraint constraint : Constraint.values()) {
      for (String stage : new String[] {"compile", "run"}) {
        String problem = applyLimit(root, stage, constraint, limits);
        if (problem != null) {
          return new Rejected(problem);
        }
      }
    }
    job.setLimits(limits);
    String args = addArgs(root.get("args"), job);
    if (args != null) {
      return new Rejected(args);
    }
    JsonNode stdinNode = root.get("stdin");
    if (stdinNode != null && !stdinNode.isNull() && !stdinNode.isString()) {
      return new Rejected("If specified, stdin must be a string");
    }
    String stdin = string(stdinNode) == null ? "" : string(stdinNode);
    if (appendNewline && !stdin.endsWith("\n")) {
      stdin += "\n";
    }
    job.setStdin(ByteString.copyFromUtf8(stdin));
    return new Job(runtime, job);
  }

  /**
   * Piston's files: a file without a name is {@code file<i>.code}, except the first, which gets the
   * runtime's entry file name: our compile commands look for their language's extension.
   */
  private static String addFiles(JsonNode files, Runtime runtime, ExecuteJob.Builder job) {
    boolean anyText = false;
    for (int i = 0; i < files.size(); i++) {
      JsonNode file = files.get(i);
      String name = string(file.get("name"));
      if (name == null || name.isEmpty()) {
        name = i == 0 ? runtime.getEntryFile() : "file" + i + ".code";
      }
      String content = string(file.get("content"));
      String encoding = string(file.get("encoding"));
      byte[] bytes;
      try {
        bytes =
            switch (encoding == null ? "utf8" : encoding) {
              case "base64" -> Base64.getMimeDecoder().decode(content);
              case "hex" -> HexFormat.of().parseHex(content.strip());
              // Piston reads any other encoding as utf8.
              default -> content.getBytes(StandardCharsets.UTF_8);
            };
      } catch (IllegalArgumentException e) {
        return "files[" + i + "].content is not valid " + encoding;
      }
      anyText |= encoding == null || !(encoding.equals("base64") || encoding.equals("hex"));
      job.addFiles(SourceFile.newBuilder().setName(name).setContent(ByteString.copyFrom(bytes)));
    }
    return anyText ? null : "files must include at least one utf8 encoded file";
  }

  /** Null when {@code <stage>_<constraint>} is fine (and applied to a run limit), else why not. */
  private String applyLimit(
      JsonNode root, String stage, Constraint constraint, Limits.Builder limits) {
    String name = stage + "_" + constraint.suffix;
    JsonNode node = root.get(name);
    // Piston skips falsy values: absent, null, 0 (and false, "").
    if (node == null
        || node.isNull()
        || (node.isNumber() && node.getNumberValue().doubleValue() == 0)
        || (node.isBoolean() && !node.getBooleanValue())
        || (node.isString() && node.getStringValue().isEmpty())) {
      return null;
    }
    if (!node.isNumber()) {
      return "If specified, " + name + " must be a number";
    }
    double value = node.getNumberValue().doubleValue();
    long max = maximum(stage, constraint);
    if (value == -1) {
      value = max;
    }
    if (value > max) {
      return name + " cannot exceed the configured limit of " + max;
    }
    if (value < 0) {
      return name + " must be non-negative";
    }
    if (stage.equals("run")) {
      long rounded = (long) Math.ceil(value);
      switch (constraint) {
        case TIMEOUT -> limits.setWallTimeMs(rounded);
        case CPU_TIME -> limits.setCpuTimeMs(rounded);
        case MEMORY_LIMIT -> limits.setMemoryMb((int) ((rounded + MIB - 1) / MIB));
      }
    }
    return null;
  }

  /** Our server maximum for a constraint, in Piston's unit (ms or bytes). */
  private long maximum(String stage, Constraint constraint) {
    Limits max =
        stage.equals("run")
            ? runtimes.catalogue().maxLimits()
            : runtimes.catalogue().maxCompileLimits();
    return switch (constraint) {
      case TIMEOUT -> max.getWallTimeMs();
      case CPU_TIME -> max.getCpuTimeMs();
      case MEMORY_LIMIT -> max.getMemoryMb() * MIB;
    };
  }

  private static String addArgs(JsonNode args, ExecuteJob.Builder job) {
    if (args == null || args.isNull()) {
      return null;
    }
    if (!args.isArray()) {
      return "If specified, args must be an array";
    }
    for (int i = 0; i < args.size(); i++) {
      JsonNode arg = args.get(i);
      // Piston passes args through JavaScript, which turns 1 into "1".
      if (arg.isString()) {
        job.addArgs(arg.getStringValue());
      } else if (arg.isNumber() || arg.isBoolean()) {
        job.addArgs(arg.isNumber() ? numberText(arg) : String.valueOf(arg.getBooleanValue()));
      } else {
        return "args[" + i + "] must be a string";
      }
    }
    return null;
  }

  private static String numberText(JsonNode number) {
    double value = number.getNumberValue().doubleValue();
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }

  private static String string(JsonNode node) {
    return node != null && node.isString() ? node.getStringValue() : null;
  }
}
