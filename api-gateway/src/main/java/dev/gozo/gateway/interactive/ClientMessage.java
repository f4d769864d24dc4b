package dev.gozo.gateway.interactive;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * A message a client sends on the interactive WebSocket after its job: stdin bytes, end of input,
 * or a signal. Anything else is {@link Invalid}, with a message that names the problem.
 */
public sealed interface ClientMessage {

  /** The signals a client may send: interrupt, terminate, kill. */
  Set<String> SIGNALS = Set.of("SIGINT", "SIGTERM", "SIGKILL");

  /** Bytes for the program's standard input (the UTF-8 of the message's data). */
  record Stdin(byte[] data) implements ClientMessage {}

  /** Closes the program's standard input. */
  record Eof() implements ClientMessage {}

  /** A signal for the program. */
  record Signal(String name) implements ClientMessage {}

  /** Not a message of ours. */
  record Invalid(String message) implements ClientMessage {}

  /**
   * Reads one text message: {@code {"type":"stdin","data":"..."}}, {@code
   * {"type":"stdin","eof":true}} (with data too: the data, then the end), {@code
   * {"type":"signal","signal":"SIGINT"}}.
   */
  static List<ClientMessage> parse(JsonMapper json, String text) {
    JsonNode root;
    try {
      root = json.readValue(text, JsonNode.class);
    } catch (IOException | RuntimeException e) {
      return List.of(new Invalid("the message is not valid JSON"));
    }
    if (root == null || !root.isObject()) {
      return List.of(new Invalid("a message must be a JSON object with a \"type\""));
    }
    JsonNode type = root.get("type");
    if (type == null || !type.isString()) {
      return List.of(new Invalid("a message must have a string \"type\": stdin or signal"));
    }
    switch (type.getStringValue()) {
      case "stdin":
        return stdin(root);
      case "signal":
        JsonNode signal = root.get("signal");
        if (signal == null || !signal.isString() || !SIGNALS.contains(signal.getStringValue())) {
          return List.of(new Invalid("\"signal\" must be one of SIGINT, SIGTERM, SIGKILL"));
        }
        return List.of(new Signal(signal.getStringValue()));
      default:
        return List.of(
            new Invalid(
                "unknown message type \"" + type.getStringValue() + "\": use stdin or signal"));
    }
  }

  private static List<ClientMessage> stdin(JsonNode root) {
    JsonNode data = root.get("data");
    JsonNode eof = root.get("eof");
    if (data != null && !data.isNull() && !data.isString()) {
      return List.of(new Invalid("stdin \"data\" must be a string"));
    }
    if (eof != null && !eof.isNull() && !eof.isBoolean()) {
      return List.of(new Invalid("stdin \"eof\" must be true or false"));
    }
    boolean ends = eof != null && eof.isBoolean() && eof.getBooleanValue();
    boolean hasData = data != null && data.isString();
    if (!hasData && !ends) {
      return List.of(new Invalid("stdin needs \"data\" (a string) or \"eof\": true"));
    }
    if (!hasData) {
      return List.of(new Eof());
    }
    Stdin bytes = new Stdin(data.getStringValue().getBytes(StandardCharsets.UTF_8));
    return ends ? List.of(bytes, new Eof()) : List.of(bytes);
  }
}
