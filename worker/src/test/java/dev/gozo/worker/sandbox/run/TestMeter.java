package dev.gozo.worker.sandbox.run;

import dev.gozo.worker.sandbox.container.ResourceMeter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** A cgroup meter whose figures the test sets (a fake container has no cgroup). */
final class TestMeter implements ResourceMeter {

  final AtomicLong cpuNanos = new AtomicLong();
  final AtomicLong peakBytes = new AtomicLong(1024 * 1024);
  final AtomicBoolean oomKilled = new AtomicBoolean();

  @Override
  public long cpuNanos() {
    return cpuNanos.get();
  }

  @Override
  public long peakMemoryBytes() {
    return peakBytes.get();
  }

  @Override
  public boolean oomKilled() {
    return oomKilled.get();
  }
}
