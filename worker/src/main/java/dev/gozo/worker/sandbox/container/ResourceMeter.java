package dev.gozo.worker.sandbox.container;

/**
 * Reads what a container's processes have used, from the kernel's accounting, so CPU time covers
 * every process and thread of the job, including ones that forked away from the main process.
 */
public interface ResourceMeter {

  /** Total CPU time used by the container so far in nanoseconds, or -1 when unknown. */
  long cpuNanos();

  /** Highest memory use of the container so far in bytes, or -1 when unknown. */
  long peakMemoryBytes();

  /** Whether the kernel recorded an OOM kill in the container's cgroup. */
  boolean oomKilled();

  /**
   * A recycled container starts another job: from now on {@link #peakMemoryBytes()} covers only
   * that job. (OOM kills need no reset: a container that saw one is never reused.)
   */
  default void startNextJob() {}

  /** Releases what the meter holds open. */
  default void close() {}

  ResourceMeter NONE =
      new ResourceMeter() {
        @Override
        public long cpuNanos() {
          return -1;
        }

        @Override
        public long peakMemoryBytes() {
          return -1;
        }

        @Override
        public boolean oomKilled() {
          return false;
        }
      };
}
