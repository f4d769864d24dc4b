package dev.gozo.worker.sandbox;

/**
 * Turns a job into an outcome. Implementations isolate the program completely and never throw for
 * anything the program does; infrastructure trouble becomes {@link Outcome.Unavailable}.
 */
public interface Sandbox extends AutoCloseable {

  Outcome run(SandboxJob job);

  /** Stops new runs, removes every container this sandbox owns. Safe to call twice. */
  @Override
  void close();
}
