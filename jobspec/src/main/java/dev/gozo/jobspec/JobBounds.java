package dev.gozo.jobspec;

/**
 * Size bounds of a job's payload, enforced identically at the gateway (400) and at the worker
 * (REJECTED) so a job published straight to Kafka meets the same rules as one sent over HTTP.
 *
 * @param maxFiles how many files one job may carry
 * @param maxFileBytes size of one file after base64 decoding
 * @param maxTotalFileBytes size of all files together
 * @param maxStdinBytes size of stdin
 * @param maxArgs number of command-line arguments
 * @param maxArgBytes length of one argument in UTF-8 bytes
 */
public record JobBounds(
    int maxFiles,
    int maxFileBytes,
    int maxTotalFileBytes,
    int maxStdinBytes,
    int maxArgs,
    int maxArgBytes) {

  /** Defaults: 64 files, 1 MiB per file, 4 MiB in all, 1 MiB stdin, 64 args of 4 KiB. */
  public static JobBounds defaults() {
    return new JobBounds(64, 1 << 20, 4 << 20, 1 << 20, 64, 4096);
  }
}
