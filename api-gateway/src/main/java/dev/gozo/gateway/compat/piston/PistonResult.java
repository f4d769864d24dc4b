package dev.gozo.gateway.compat.piston;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The body of a Piston {@code POST /api/v2/execute} answer: the runtime that ran, the run stage
 * and, for compiled languages, the compile stage. Field names are Piston's.
 */
@Serdeable
record PistonResult(
    String language,
    String version,
    Stage run,
    @JsonInclude(JsonInclude.Include.NON_NULL) Stage compile) {

  /**
   * One stage as Piston reports it.
   *
   * @param output stdout and stderr interleaved in the order the program wrote them
   * @param code the exit code, null when a signal ended the stage
   * @param signal the signal that ended it ("SIGKILL"), null when it exited
   * @param status null when it exited 0, else RE (non-zero exit), SG (a signal, or the memory
   *     limit), TO (a time limit), OL (the output limit), XX (our failure)
   * @param cpuTime CPU time in ms
   * @param wallTime wall time in ms
   * @param memory peak memory in bytes
   */
  @Serdeable
  record Stage(
      String stdout,
      String stderr,
      String output,
      Integer code,
      String signal,
      String message,
      String status,
      @JsonProperty("cpu_time") long cpuTime,
      @JsonProperty("wall_time") long wallTime,
      long memory) {}
}
