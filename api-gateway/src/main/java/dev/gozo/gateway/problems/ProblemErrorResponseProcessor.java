package dev.gozo.gateway.problems;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.stream.Collectors;

/**
 * Turns every error Micronaut produces by itself (unknown route, wrong method, body too large,
 * unsupported media type, unexpected exception) into a problem document, so clients see one error
 * format. Replaces Micronaut's default JSON error body.
 */
@Singleton
public final class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {

  private final long maxBodyBytes;

  public ProblemErrorResponseProcessor(dev.gozo.gateway.GatewayConfig config) {
    this.maxBodyBytes = config.maxBodyBytes();
  }

  @Override
  @SuppressWarnings("unchecked")
  public MutableHttpResponse<Problem> processResponse(
      ErrorContext context, MutableHttpResponse<?> response) {
    MutableHttpResponse<Problem> typed = (MutableHttpResponse<Problem>) response;
    if (context.getRequest().getMethod() == HttpMethod.HEAD) {
      return typed;
    }
    HttpStatus status = response.getStatus();
    Problem problem = Problems.describe(status, detail(status, context));
    return typed.body(problem).contentType(MediaType.APPLICATION_JSON_PROBLEM_TYPE);
  }

  private String detail(HttpStatus status, ErrorContext context) {
    var request = context.getRequest();
    return switch (status) {
      case NOT_FOUND -> "no such resource: " + request.getMethod() + " " + request.getPath();
      case METHOD_NOT_ALLOWED -> request.getMethod() + " is not allowed on " + request.getPath();
      case REQUEST_ENTITY_TOO_LARGE ->
          request.getContentLength() > maxBodyBytes
              ? "the request body is larger than " + maxBodyBytes + " bytes"
              : "the request is too large: bodies may have "
                  + maxBodyBytes
                  + " bytes, the request line and headers a few KiB";
      case UNSUPPORTED_MEDIA_TYPE -> "the request body must be application/json";
      case NOT_ACCEPTABLE -> "responses are application/json or application/problem+json";
      // Never echo an unexpected exception's message: it may describe our internals.
      case INTERNAL_SERVER_ERROR -> "unexpected error; it has been logged";
      default ->
          context.getErrors().isEmpty()
              ? status.getReason()
              : context.getErrors().stream()
                  .map(Error::getMessage)
                  .collect(Collectors.joining("; "));
    };
  }
}
