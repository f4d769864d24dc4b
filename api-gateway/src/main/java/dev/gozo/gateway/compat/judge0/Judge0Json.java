package dev.gozo.gateway.compat.judge0;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Judge0's answers. They are built as maps and written through a JSON tree because Judge0
 * sends every selected field, null included ({@code "stderr": null}), and its clients index the
 * answer by key; the gateway's serializer would leave null values out.
 */
final class Judge0Json {

  private Judge0Json() {}

  static HttpResponse<String> respond(JsonMapper json, HttpStatus status, Object body) {
    try {
      return HttpResponse.<String>status(status)
          .contentType(MediaType.APPLICATION_JSON_TYPE)
          .body(json.writeValueAsString(tree(body)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A map, list, string, number, boolean or null as a JSON tree. */
  static JsonNode tree(Object value) {
    if (value == null) {
      return JsonNode.nullNode();
    }
    if (value instanceof String text) {
      return JsonNode.createStringNode(text);
    }
    if (value instanceof Boolean bool) {
      return JsonNode.createBooleanNode(bool);
    }
    if (value instanceof Integer number) {
      return JsonNode.createNumberNode(number);
    }
    if (value instanceof Long number) {
      return JsonNode.createNumberNode(number);
    }
    if (value instanceof Double number) {
      return JsonNode.createNumberNode(number);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, JsonNode> fields = new LinkedHashMap<>();
      map.forEach((key, field) -> fields.put(String.valueOf(key), tree(field)));
      return JsonNode.createObjectNode(fields);
    }
    if (value instanceof List<?> list) {
      return JsonNode.createArrayNode(list.stream().map(Judge0Json::tree).toList());
    }
    throw new IllegalArgumentException("not JSON: " + value.getClass());
  }
}
