package dev.gozo.worker.sandbox;

import dev.gozo.jobspec.EffectiveLimits;

/** The kernel-enforced limits a container currently has; changed with docker update. */
record ContainerLimits(int memoryMb, int processes) {

  static ContainerLimits of(EffectiveLimits limits) {
    return new ContainerLimits(limits.memoryMb(), limits.processes());
  }

  long memoryBytes() {
    return memoryMb * 1024L * 1024L;
  }
}
