package dev.gozo.worker.sandbox;

/**
 * Turns a job into an outcome. Implementations isolate the program completely and never throw for
 * anything the program does; infrastructure trouble becomes {@link Outcome.Unavailable}.
 */
public interface Sandbox extends AutoCloseable {

  /** Runs a job nobody watches live. */
  default Outcome run(SandboxJob job) {
    return run(job, LiveSession.NONE);
  }

  /** Runs a job, streaming its stages and output to {@code live} and taking its input from it. */
  Outcome run(SandboxJob job, LiveSession live);

  /**
   * Compiles a job's program once so that it can run many times ({@link SandboxJob#withWork}): the
   * compile step streams to {@code live} like a run's. Interpreted languages need no preparation
   * and are answered {@link Preparation.Compiled} with no compile step and no work archive.
   */
  Preparation prepare(SandboxJob job, LiveSession live);

  /**
   * Runs of one job, one after another (a judged job's tests), each in a fresh sandbox state: a new
   * container, or one this series used before whose launcher has since killed every process and
   * emptied every writable place (/work, /tmp, /dev/shm, IPC). Close it when the job is done.
   */
  default Series series() {
    return new Series() {
      @Override
      public Outcome run(SandboxJob job, LiveSession live) {
        return Sandbox.this.run(job, live);
      }

      @Override
      public void close() {}
    };
  }

  /** See {@link #series()}. */
  interface Series extends AutoCloseable {

    Outcome run(SandboxJob job, LiveSession live);

    /** Removes the containers the series kept between its runs. */
    @Override
    void close();
  }

  /** Stops new runs, removes every container this sandbox owns. Safe to call twice. */
  @Override
  void close();
}
