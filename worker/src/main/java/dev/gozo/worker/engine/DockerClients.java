package dev.gozo.worker.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.time.Duration;

/** Builds the docker-java client the worker uses. */
public final class DockerClients {

  private DockerClients() {}

  /**
   * A client for ordinary API calls: a call that gets no answer within {@code timeout} fails, so a
   * hung engine trips the circuit breaker instead of hanging a job.
   */
  public static DockerClient api(String host, int maxConnections, Duration timeout) {
    return connect(host, maxConnections, timeout);
  }

  /**
   * A client for attach streams, which stay silent for as long as a warm container waits for its
   * job, so they have no read timeout. Every warm or running sandbox holds one connection for its
   * whole life, so the pool must be larger than the number of sandboxes (an exhausted pool would
   * leave a new container without its stream).
   */
  public static DockerClient streams(String host, int maxConnections) {
    return connect(host, maxConnections, Duration.ZERO);
  }

  private static DockerClient connect(String host, int maxConnections, Duration timeout) {
    var config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(host)
            // 1.41 is Docker 20.10, the oldest engine we support; newer engines accept it.
            .withApiVersion("1.41")
            .build();
    var http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .maxConnections(maxConnections)
            .connectionTimeout(Duration.ofSeconds(5))
            .responseTimeout(timeout)
            .build();
    return DockerClientImpl.getInstance(config, http);
  }
}
