package dev.gozo.worker.sandbox.run;

import dev.gozo.worker.sandbox.container.ResourceMeter;

/** Wall and CPU time of one step, from the moment it started. */
final class StepClock {

  private final ResourceMeter meter;
  private final long startNanos;
  private final long startCpuNanos;

  StepClock(ResourceMeter meter) {
    this(meter, System.nanoTime(), meter.cpuNanos());
  }

  /**
   * A step that began at START_NANOS (System.nanoTime) with the container's CPU counter at
   * START_CPU_NANOS, both taken before the job's thread got round to creating the clock.
   */
  StepClock(ResourceMeter meter, long startNanos, long startCpuNanos) {
    this.meter = meter;
    this.startNanos = startNanos;
    this.startCpuNanos = startCpuNanos;
  }

  long wallMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** CPU time of the whole container since the step started; -1 when it cannot be measured. */
  long cpuMs() {
    long now = meter.cpuNanos();
    return now < 0 || startCpuNanos < 0 ? -1 : (now - startCpuNanos) / 1_000_000;
  }
}
