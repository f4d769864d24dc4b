package dev.gozo.worker.sandbox;

/**
 * What one step (compile or run) did: its captured output and its measurements.
 *
 * @param stdout captured standard output, never more than the step's output limit
 * @param stderr captured standard error
 * @param exitCode exit code of the step's main process (meaningful when signal is 0)
 * @param signal signal that killed the main process, 0 when it exited by itself
 * @param wallTimeMs wall-clock time of the step
 * @param cpuTimeMs CPU time of every process of the step together
 * @param memoryBytes peak memory of the sandbox
 * @param stdoutTruncated stdout was cut at the output limit
 * @param stderrTruncated stderr was cut at the output limit
 * @param limitHit the limit that ended the step, or NONE
 */
public record StepReport(
    byte[] stdout,
    byte[] stderr,
    int exitCode,
    int signal,
    long wallTimeMs,
    long cpuTimeMs,
    long memoryBytes,
    boolean stdoutTruncated,
    boolean stderrTruncated,
    LimitHit limitHit) {

  /** The limit that made us stop a step; NONE when the step ended on its own. */
  public enum LimitHit {
    NONE,
    WALL_TIME,
    CPU_TIME,
    MEMORY,
    OUTPUT,
    /** An interactive job saw neither input nor output for its idle limit. */
    IDLE,
    /** Not a limit: the job was cancelled, and the step killed for it. */
    CANCELLED
  }
}
