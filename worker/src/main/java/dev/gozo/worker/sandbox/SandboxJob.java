package dev.gozo.worker.sandbox;

import dev.gozo.jobspec.EffectiveLimits;
import dev.gozo.protocol.v1.Runtime;
import java.util.List;
import java.util.Map;

/**
 * A validated job, ready for a sandbox: files, input and resolved limits.
 *
 * @param jobId the job's id, for labels and logs
 * @param tenant who submitted it: recycled containers are only shared between one tenant's jobs
 * @param runtime the catalogue entry to run it with
 * @param files relative path to content, in request order (the first is the entry point)
 * @param stdin bytes for the program's standard input
 * @param args command-line arguments, passed without any shell interpretation
 * @param compileLimits limits of the compile step (unused for interpreted languages)
 * @param runLimits limits of the run step
 */
public record SandboxJob(
    String jobId,
    String tenant,
    Runtime runtime,
    Map<String, byte[]> files,
    byte[] stdin,
    List<String> args,
    EffectiveLimits compileLimits,
    EffectiveLimits runLimits) {

  public String entryFile() {
    return files.keySet().iterator().next();
  }

  public boolean compiled() {
    return !runtime.getCompileCommand().isBlank();
  }
}
