package dev.gozo.worker.engine;

import java.time.Duration;

/** The Docker adapter keeps the port's contract against the real engine. */
class DockerEngineContractIT extends ContainerEngineContract {

  private static final String DOCKER_HOST =
      System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");

  private static final ContainerEngine ENGINE =
      new DockerEngine(
          DockerClients.api(DOCKER_HOST, 8, Duration.ofSeconds(30)),
          DockerClients.streams(DOCKER_HOST, 8));

  @Override
  ContainerEngine engine() {
    return ENGINE;
  }
}
