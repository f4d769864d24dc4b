package dev.gozo.gateway.live;

import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON of live events: the {@code data} of an SSE event, and a WebSocket message (the same
 * fields plus {@code "type"}). A result is exactly the body of {@code GET /v1/executions/{id}}, a
 * test exactly its element of that body's {@code tests}.
 */
@Singleton
public final class LiveJson {

  private final JsonMapper json;

  public LiveJson(JsonMapper json) {
    this.json = json;
  }

  /** The SSE data of {@code event}. */
  public String data(LiveEvent event) {
    return write(view(event));
  }

  /** The WebSocket message of {@code event}: {"type": ..., fields}. */
  public String message(LiveEvent event) {
    String data = write(view(event));
    String type = "{\"type\":" + write(event.type());
    return data.equals("{}") ? type + "}" : type + "," + data.substring(1);
  }

  /** Any other message, such as {"type": "error", "message": ...}. */
  public String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Results and tests are their API views; the small events are their fields. */
  private static Object view(LiveEvent event) {
    if (event instanceof LiveEvent.Result result) {
      return result.view();
    }
    if (event instanceof LiveEvent.Test test) {
      return test.view();
    }
    return fields(event);
  }

  private static Map<String, Object> fields(LiveEvent event) {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (event instanceof LiveEvent.Queued queued) {
      fields.put("id", queued.jobId());
    } else if (event instanceof LiveEvent.Started started) {
      fields.put("attempt", started.attempt());
    } else if (event instanceof LiveEvent.Stage stage) {
      fields.put("stage", stage.stage());
    } else if (event instanceof LiveEvent.Output output) {
      fields.put("data", output.data());
      if (output.base64()) {
        fields.put("base64", true);
      }
    }
    return fields;
  }
}
