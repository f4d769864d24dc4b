package dev.gozo.gateway.runtimes;

import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.Runtime;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * One entry of {@code GET /v1/runtimes}: what a client needs to choose a language, not how the
 * worker runs it (images and commands stay internal).
 *
 * @param compiled true when the runtime has a compile step
 * @param entryFile the conventional name of the first file, e.g. "main.py"
 * @param defaultLimits the run step's limits when a request sets none
 */
@Serdeable
public record RuntimeView(
    String language,
    String version,
    List<String> aliases,
    boolean compiled,
    String entryFile,
    LimitsView defaultLimits) {

  static RuntimeView of(Runtime runtime) {
    return new RuntimeView(
        runtime.getLanguage(),
        runtime.getVersion(),
        List.copyOf(runtime.getAliasesList()),
        !runtime.getCompileCommand().isBlank(),
        runtime.getEntryFile(),
        LimitsView.of(runtime.getRunLimits()));
  }

  /** Limits with the HTTP API's names; 0 means "the server maximum". */
  @Serdeable
  public record LimitsView(
      long wallTimeMs, long cpuTimeMs, int memoryMb, int processes, long outputBytes) {

    static LimitsView of(Limits limits) {
      return new LimitsView(
          limits.getWallTimeMs(),
          limits.getCpuTimeMs(),
          limits.getMemoryMb(),
          limits.getProcesses(),
          limits.getOutputBytes());
    }
  }
}
