package dev.gozo.gateway.problems;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * An RFC 9457 problem document, the body of every error response ({@code
 * application/problem+json}). {@code violations} is present only on 400s about the request.
 *
 * @param type a stable URN naming the kind of problem, for programs to switch on
 * @param title a short summary that does not change between occurrences
 * @param status the HTTP status code, repeated for clients that only see the body
 * @param detail what went wrong this time, for humans
 * @param violations each bad field of the request
 */
@Serdeable
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<FieldProblem> violations) {}
