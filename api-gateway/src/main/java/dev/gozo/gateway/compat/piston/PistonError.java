package dev.gozo.gateway.compat.piston;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.serde.annotation.Serdeable;

/** Piston's error body, {@code {"message": "..."}}: its clients read nothing else. */
@Serdeable
record PistonError(String message) {

  static MutableHttpResponse<PistonError> respond(HttpStatus status, String message) {
    return HttpResponse.<PistonError>status(status)
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(new PistonError(message));
  }
}
