package dev.gozo.worker.sandbox.container;

import dev.gozo.jobspec.EffectiveLimits;

/** The kernel-enforced limits a container currently has; changed with docker update. */
public record ContainerLimits(int memoryMb, int processes) {

  public static ContainerLimits of(EffectiveLimits limits) {
    return new ContainerLimits(limits.memoryMb(), limits.processes());
  }

  public long memoryBytes() {
    return memoryMb * 1024L * 1024L;
  }
}
