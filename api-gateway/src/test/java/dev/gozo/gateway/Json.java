package dev.gozo.gateway;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Reads response bodies in tests as plain maps and lists. */
public final class Json {

  private static final JsonMapper MAPPER = JsonMapper.createDefault();

  private Json() {}

  public static Map<String, Object> object(String json) {
    try {
      return MAPPER.readValue(json, Argument.mapOf(String.class, Object.class));
    } catch (IOException e) {
      throw new UncheckedIOException("not a JSON object: " + json, e);
    }
  }

  public static List<Object> array(String json) {
    try {
      return MAPPER.readValue(json, Argument.listOf(Object.class));
    } catch (IOException e) {
      throw new UncheckedIOException("not a JSON array: " + json, e);
    }
  }

  /** The "field" of every violation in a problem document. */
  @SuppressWarnings("unchecked")
  public static List<String> violationFields(String problemJson) {
    List<Map<String, Object>> violations =
        (List<Map<String, Object>>) object(problemJson).get("violations");
    return violations == null
        ? List.of()
        : violations.stream().map(v -> (String) v.get("field")).toList();
  }

  public static String quote(String text) {
    try {
      return MAPPER.writeValueAsString(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
