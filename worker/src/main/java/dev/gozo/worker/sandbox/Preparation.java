package dev.gozo.worker.sandbox;

/**
 * What compiling a program once, for many runs, came to: the compiled working directory, or the
 * outcome that ends the job (a compile error, a limit, our own failure). A value, never an
 * exception, like {@link Outcome}.
 */
public sealed interface Preparation {

  /**
   * The program compiled.
   *
   * @param compile the compile step
   * @param work a tar archive of the working directory after the compile: sources, compiled files
   *     and whatever the compiler left there; a run unpacks it instead of compiling again
   */
  record Compiled(StepReport compile, byte[] work) implements Preparation {}

  /** The job ends here: the compile failed or could not be done. */
  record Ended(Outcome outcome) implements Preparation {}
}
