package dev.gozo.gateway.problems;

import dev.gozo.jobspec.Violation;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.util.List;
import java.util.Locale;

/** Builds the gateway's error responses, so every one has the same shape and media type. */
public final class Problems {

  private static final String TYPE_PREFIX = "urn:gozo:problem:";

  private Problems() {}

  /** 400 naming every bad field. */
  public static MutableHttpResponse<Problem> invalidRequest(List<Violation> violations) {
    List<FieldProblem> fields = violations.stream().map(FieldProblem::of).toList();
    String detail =
        fields.size() == 1
            ? fields.get(0).field() + ": " + fields.get(0).message()
            : fields.size() + " fields are invalid; see violations";
    return respond(
        HttpStatus.BAD_REQUEST,
        new Problem(TYPE_PREFIX + "invalid-request", "Invalid request", 400, detail, fields));
  }

  /** 401 with the challenge RFC 6750 asks for. */
  public static MutableHttpResponse<Problem> unauthorized(String detail) {
    return respond(HttpStatus.UNAUTHORIZED, "unauthorized", "Missing or invalid API key", detail)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gozo\"");
  }

  /** 404 for an unknown job, and for another tenant's (which must look the same). */
  public static MutableHttpResponse<Problem> executionNotFound(String id) {
    return respond(
        HttpStatus.NOT_FOUND,
        "execution-not-found",
        "Execution not found",
        "no execution with id '" + id + "' is visible to this API key");
  }

  /** 503 with Retry-After: the request was fine, a dependency was not. */
  public static MutableHttpResponse<Problem> unavailable(String detail, long retryAfterSeconds) {
    return respond(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Service unavailable", detail)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfterSeconds)));
  }

  /** 429 with Retry-After: the tenant has too many jobs waiting in the queue. */
  public static MutableHttpResponse<Problem> tooManyQueued(String detail, long retryAfterSeconds) {
    return respond(
            HttpStatus.TOO_MANY_REQUESTS, "too-many-queued-jobs", "Too many queued jobs", detail)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfterSeconds)));
  }

  /** Any other status; the type is derived from the status' reason phrase. */
  public static MutableHttpResponse<Problem> of(HttpStatus status, String detail) {
    return respond(status, describe(status, detail));
  }

  /** The problem document for {@code status}, typed after its reason phrase. */
  public static Problem describe(HttpStatus status, String detail) {
    String slug = status.getReason().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    return new Problem(TYPE_PREFIX + slug, status.getReason(), status.getCode(), detail, null);
  }

  public static MutableHttpResponse<Problem> respond(
      HttpStatus status, String slug, String title, String detail) {
    return respond(status, new Problem(TYPE_PREFIX + slug, title, status.getCode(), detail, null));
  }

  private static MutableHttpResponse<Problem> respond(HttpStatus status, Problem problem) {
    return HttpResponse.<Problem>status(status)
        .contentType(MediaType.APPLICATION_JSON_PROBLEM_TYPE)
        .body(problem);
  }
}
