package dev.gozo.jobspec;

/**
 * One reason a job is invalid. {@code field} uses the HTTP API's JSON names ({@code files[1].name},
 * {@code limits.memoryMb}) so the gateway can name it in its problem response.
 */
public record Violation(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
