package dev.gozo.worker.sandbox;

/** Wall and CPU time of one step, from the moment it started. */
final class StepClock {

  private final ResourceMeter meter;
  private final long startNanos;
  private final long startCpuNanos;

  StepClock(ResourceMeter meter) {
    this.meter = meter;
    this.startNanos = System.nanoTime();
    this.startCpuNanos = meter.cpuNanos();
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
