package dev.gozo.jobspec;

import dev.gozo.protocol.v1.Limits;

/**
 * The limits a step really runs with: the request's value where it set one, else the runtime's
 * default, else the server maximum. Validation has already refused values above the maximum.
 */
public record EffectiveLimits(
    long wallTimeMs, long cpuTimeMs, int memoryMb, int processes, long outputBytes) {

  public static EffectiveLimits resolve(Limits requested, Limits defaults, Limits max) {
    return new EffectiveLimits(
        pick(requested.getWallTimeMs(), defaults.getWallTimeMs(), max.getWallTimeMs()),
        pick(requested.getCpuTimeMs(), defaults.getCpuTimeMs(), max.getCpuTimeMs()),
        (int) pick(requested.getMemoryMb(), defaults.getMemoryMb(), max.getMemoryMb()),
        (int) pick(requested.getProcesses(), defaults.getProcesses(), max.getProcesses()),
        pick(requested.getOutputBytes(), defaults.getOutputBytes(), max.getOutputBytes()));
  }

  /** Compile steps use the runtime's compile defaults; the request's limits govern only the run. */
  public static EffectiveLimits forCompile(Limits defaults, Limits max) {
    return resolve(Limits.getDefaultInstance(), defaults, max);
  }

  private static long pick(long requested, long fallback, long max) {
    long chosen = requested > 0 ? requested : fallback > 0 ? fallback : max;
    return max > 0 ? Math.min(chosen, max) : chosen;
  }

  public long memoryBytes() {
    return memoryMb * 1024L * 1024L;
  }
}
