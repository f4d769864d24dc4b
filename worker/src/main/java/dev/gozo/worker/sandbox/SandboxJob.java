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
 * @param work a tar archive of a working directory prepared earlier ({@link Sandbox#prepare}): the
 *     run unpacks it (plus {@code files}, which may add to it) and skips the compile step; null for
 *     an ordinary job
 */
public record SandboxJob(
    String jobId,
    String tenant,
    Runtime runtime,
    Map<String, byte[]> files,
    byte[] stdin,
    List<String> args,
    EffectiveLimits compileLimits,
    EffectiveLimits runLimits,
    byte[] work) {

  public SandboxJob(
      String jobId,
      String tenant,
      Runtime runtime,
      Map<String, byte[]> files,
      byte[] stdin,
      List<String> args,
      EffectiveLimits compileLimits,
      EffectiveLimits runLimits) {
    this(jobId, tenant, runtime, files, stdin, args, compileLimits, runLimits, null);
  }

  public String entryFile() {
    return files.keySet().iterator().next();
  }

  /** Whether this job has a compile step: a compiled language, not prepared beforehand. */
  public boolean compiled() {
    return !runtime.getCompileCommand().isBlank() && work == null;
  }

  /**
   * A run of the prepared program: the {@code work} archive unpacked, then {@code extraFiles} next
   * to it (a checker's input, say), with this stdin, args and run limits.
   */
  public SandboxJob withWork(
      byte[] work,
      Map<String, byte[]> extraFiles,
      byte[] stdin,
      List<String> args,
      EffectiveLimits runLimits) {
    Map<String, byte[]> merged = new java.util.LinkedHashMap<>(files);
    merged.putAll(extraFiles);
    return new SandboxJob(
        jobId, tenant, runtime, merged, stdin, args, compileLimits, runLimits, work);
  }
}
