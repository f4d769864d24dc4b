package dev.gozo.worker.sandbox.verdicts;

/**
 * How the container's main process ended. Docker's init reports a death by signal N as exit code
 * 128+N, so codes above 128 are read as signals (a program that calls exit(130) is reported as
 * signal 2; documented in the README).
 */
public record ContainerExit(int exitCode, int signal, boolean oomKilled) {

  public static ContainerExit of(int status, boolean oomKilled) {
    if (status > 128 && status <= 128 + 64) {
      return new ContainerExit(status, status - 128, oomKilled);
    }
    return new ContainerExit(status, 0, oomKilled);
  }
}
