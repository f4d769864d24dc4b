package dev.gozo.gateway.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gozo.protocol.v1.LimitKind;
import dev.gozo.protocol.v1.StepResult;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The {@code compile} or {@code run} object of a result. {@code stdoutBase64} and {@code
 * stderrBase64} appear only when the output was not valid UTF-8 (see {@link OutputText}).
 *
 * @param limitHit which limit ended the step: NONE, WALL_TIME, CPU_TIME, MEMORY, OUTPUT or IDLE (an
 *     interactive job that waited for input and wrote nothing for its idle limit)
 */
@Serdeable
public record StepView(
    String stdout,
    @JsonInclude(JsonInclude.Include.NON_NULL) String stdoutBase64,
    String stderr,
    @JsonInclude(JsonInclude.Include.NON_NULL) String stderrBase64,
    int exitCode,
    int signal,
    long wallTimeMs,
    long cpuTimeMs,
    long memoryBytes,
    boolean stdoutTruncated,
    boolean stderrTruncated,
    String limitHit) {

  public static StepView of(StepResult step) {
    OutputText stdout = OutputText.of(step.getStdout());
    OutputText stderr = OutputText.of(step.getStderr());
    return new StepView(
        stdout.text(),
        stdout.base64(),
        stderr.text(),
        stderr.base64(),
        step.getExitCode(),
        step.getSignal(),
        step.getWallTimeMs(),
        step.getCpuTimeMs(),
        step.getMemoryBytes(),
        step.getStdoutTruncated(),
        step.getStderrTruncated(),
        limitHit(step.getLimitHit()));
  }

  private static String limitHit(LimitKind kind) {
    return switch (kind) {
      case LIMIT_KIND_UNSPECIFIED, UNRECOGNIZED -> null;
      default -> kind.name().substring("LIMIT_".length());
    };
  }
}
