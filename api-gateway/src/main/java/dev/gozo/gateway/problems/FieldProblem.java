package dev.gozo.gateway.problems;

import dev.gozo.jobspec.Violation;
import io.micronaut.serde.annotation.Serdeable;

/** One bad field of a request, named with the HTTP API's JSON path ({@code files[0].content}). */
@Serdeable
public record FieldProblem(String field, String message) {

  public static FieldProblem of(Violation violation) {
    return new FieldProblem(violation.field(), violation.message());
  }
}
