package dev.gozo.gateway.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.google.protobuf.ByteString;
import dev.gozo.gateway.webhooks.CallbackRequest;
import dev.gozo.jobspec.Violation;
import dev.gozo.protocol.v1.ExecuteJob;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the JSON body of {@code POST /v1/executions} into an {@link ExecuteJob} (without id, tenant
 * and time, which the gateway adds). It checks only what JSON and HTTP decide: the body's shape,
 * value types, encodings and base64. Whether the job may run is {@code JobValidator}'s call, so the
 * worker applies the same rules to jobs that never passed through HTTP.
 *
 * <p>The body is walked as a tree rather than bound to classes so that every wrong type is reported
 * with the JSON path of the field, never as a 500 or a parser message. Unknown fields are ignored
 * (clients may send newer fields), except inside {@code limits}, a test and a checker: a misspelt
 * field there would otherwise silently change the verdict (see {@link JudgingRequestReader}).
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
    job.addAllFiles(JsonFields.files(root.get("files"), "files", problems));
    stringField(root, "stdin", problems)
        .ifPresent(stdin -> job.setStdin(ByteString.copyFromUtf8(stdin)));
    JsonFields.args(root.get("args"), "args", problems).ifPresent(job::addAllArgs);
    JsonFields.limits(root.get("limits"), "limits", problems).ifPresent(job::setLimits);
    JudgingRequestReader.read(root, job, problems);
    return new Read(job, problems, readCallback(root.get("callback"), problems));
  }

  /** {"url", "secret"}: both strings; whether they are allowed is {@code CallbackPolicy}'s call. */
  private static CallbackRequest readCallback(JsonNode callback, List<Violation> problems) {
    if (JsonFields.isAbsent(callback)) {
      return null;
    }
    if (!callback.isObject()) {
      problems.add(new Violation("callback", "must be an object with url and secret"));
      return null;
    }
    int before = problems.size();
    String url = JsonFields.string(callback.get("url"), "callback.url", problems).orElse(null);
    String secret =
        JsonFields.string(callback.get("secret"), "callback.secret", problems).orElse(null);
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
    return JsonFields.string(parent.get(name), name, problems);
  }
}
