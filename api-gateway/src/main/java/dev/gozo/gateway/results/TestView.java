package dev.gozo.gateway.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gozo.protocol.v1.TestResult;
import dev.gozo.protocol.v1.TestStatus;
import io.micronaut.serde.annotation.Serdeable;

/**
 * One element of a judged result's {@code tests}, and the data of an SSE {@code test} event: the
 * same JSON in both, so a client handles a test the same way live and afterwards.
 *
 * @param status ACCEPTED, WRONG_ANSWER, TIME_LIMIT_EXCEEDED, MEMORY_LIMIT_EXCEEDED,
 *     OUTPUT_LIMIT_EXCEEDED, RUNTIME_ERROR, SKIPPED or INTERNAL_ERROR
 * @param run the program's run for this test; absent for a SKIPPED test, which never ran
 * @param checkerMessage what a checker program printed or why the output differs; absent if none
 */
@Serdeable
public record TestView(
    String name,
    String status,
    @JsonInclude(JsonInclude.Include.NON_NULL) StepView run,
    @JsonInclude(JsonInclude.Include.NON_NULL) String checkerMessage) {

  /**
   * Proto3 enum values share one namespace with JobStatus, hence TEST_WRONG_ANSWER and the like on
   * the wire; the API names them as the contract does.
   */
  private static final String WIRE_PREFIX = "TEST_";

  public static TestView of(TestResult test) {
    return new TestView(
        test.getName(),
        status(test.getStatus()),
        test.hasRun() && test.getStatus() != TestStatus.SKIPPED ? StepView.of(test.getRun()) : null,
        test.getCheckerMessage().isEmpty() ? null : test.getCheckerMessage());
  }

  /** A worker that sends no verdict has failed us, not the program: report it as ours. */
  private static String status(TestStatus status) {
    return switch (status) {
      case TEST_STATUS_UNSPECIFIED, UNRECOGNIZED -> "INTERNAL_ERROR";
      default ->
          status.name().startsWith(WIRE_PREFIX)
              ? status.name().substring(WIRE_PREFIX.length())
              : status.name();
    };
  }
}
