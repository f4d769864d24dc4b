package dev.gozo.worker.sandbox.container;

/**
 * Containers for tests of other sandbox packages, built the way only this package may build them
 * (the constructor and the meter setter stay package-private in the main code).
 */
public final class TestContainers {

  private TestContainers() {}

  /** A container that was never started: no engine behind it, its stdin goes nowhere. */
  public static SandboxContainer unstarted(String id, String poolKey, ContainerLimits limits) {
    return new SandboxContainer(id, poolKey, limits, new StdinFeed());
  }

  /** Gives CONTAINER the figures of METER, as a cgroup would (a fake container has none). */
  public static void meter(SandboxContainer container, ResourceMeter meter) {
    container.meter(meter);
  }
}
