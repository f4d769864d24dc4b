package dev.gozo.worker.sandbox;

import com.github.dockerjava.api.DockerClient;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * The Docker engine's own time. Leases and container ages are measured against it, never against a
 * worker's clock: workers on different hosts share one engine, and their clocks may disagree with
 * it and with each other, while the engine's creation times and its clock always agree.
 */
final class EngineClock {

  private EngineClock() {}

  /** The engine's time now, from {@code docker info} (its SystemTime). */
  static Instant now(DockerClient docker) {
    String systemTime = docker.infoCmd().exec().getSystemTime();
    if (systemTime == null || systemTime.isBlank()) {
      throw new IllegalStateException("the Docker engine did not report its time (docker info)");
    }
    return parse(systemTime);
  }

  /** SystemTime is RFC 3339 with up to nine fraction digits and a Z or a numeric offset. */
  static Instant parse(String systemTime) {
    return OffsetDateTime.parse(systemTime).toInstant();
  }
}
