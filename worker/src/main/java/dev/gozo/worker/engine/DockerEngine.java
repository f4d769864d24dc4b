package dev.gozo.worker.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ulimit;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@link ContainerEngine} backed by Docker through docker-java. Ordinary calls go through a
 * client with a response timeout (a hung engine fails the call); attach streams through one without
 * (a warm container's stream is silent until its job arrives). See {@link DockerClients}.
 */
public final class DockerEngine implements ContainerEngine {

  private final DockerClient api;
  private final DockerClient streams;

  public DockerEngine(DockerClient api, DockerClient streams) {
    this.api = api;
    this.streams = streams;
  }

  @Override
  public String create(ContainerSpec spec) {
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode("none")
            .withLogConfig(new LogConfig(LogConfig.LoggingType.NONE));
    ContainerSpec.Isolation isolation = spec.isolation();
    if (isolation != null) {
      host.withReadonlyRootfs(isolation.readOnlyRoot())
          .withCapDrop(Capability.ALL)
          .withSecurityOpts(isolation.securityOpts())
          .withInit(true)
          .withMemory(isolation.memoryBytes())
          .withMemorySwap(isolation.memoryBytes())
          .withMemorySwappiness(0L)
          .withPidsLimit(isolation.processes())
          .withNanoCPUs(isolation.nanoCpus())
          .withOomScoreAdj(isolation.oomScoreAdj())
          .withShmSize(isolation.shmBytes())
          .withIpcMode("private")
          .withUlimits(
              isolation.ulimits().entrySet().stream()
                  .map(limit -> new Ulimit(limit.getKey(), limit.getValue(), limit.getValue()))
                  .toList())
          .withTmpFs(isolation.tmpfs());
      if (!isolation.runtime().isBlank()) {
        host.withRuntime(isolation.runtime());
      }
    }
    CreateContainerCmd create =
        api.createContainerCmd(spec.image())
            .withCmd(spec.command())
            .withEnv(spec.env())
            .withNetworkDisabled(true)
            .withLabels(spec.labels())
            .withHostConfig(host);
    if (spec.user() != null) {
      create.withUser(spec.user());
    }
    if (spec.workingDir() != null) {
      create.withWorkingDir(spec.workingDir());
    }
    if (spec.interactive()) {
      create
          .withStdinOpen(true)
          .withStdInOnce(false)
          .withAttachStdin(true)
          .withAttachStdout(true)
          .withAttachStderr(true)
          .withTty(false)
          .withStopTimeout(0);
    }
    return call(() -> create.exec().getId());
  }

  @Override
  public Attachment attach(String id, InputStream stdin, OutputSink output) {
    ResultCallback.Adapter<Frame> frames =
        new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Frame frame) {
            if (frame.getPayload() == null) {
              return;
            }
            switch (frame.getStreamType()) {
              case STDOUT, RAW -> output.stdout(frame.getPayload());
              case STDERR -> output.stderr(frame.getPayload());
              default -> {}
            }
          }

          @Override
          public void onError(Throwable throwable) {
            output.closed();
          }

          @Override
          public void onComplete() {
            output.closed();
          }
        };
    var callback =
        call(
            () ->
                streams
                    .attachContainerCmd(id)
                    .withStdIn(stdin)
                    .withStdOut(true)
                    .withStdErr(true)
                    .withFollowStream(true)
                    .exec(frames));
    return new Attachment() {
      @Override
      public boolean awaitStarted(Duration timeout) throws InterruptedException {
        return callback.awaitStarted(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }

      @Override
      public void close() {
        try {
          callback.close();
        } catch (IOException e) {
          // the stream is going away with the container anyway
        }
      }
    };
  }

  @Override
  public void start(String id) {
    run(() -> api.startContainerCmd(id).exec());
  }

  @Override
  public void updateLimits(String id, long memoryBytes, long processes) {
    run(
        () ->
            api.updateContainerCmd(id)
                .withMemory(memoryBytes)
                .withMemorySwap(memoryBytes)
                .withPidsLimit(processes)
                .exec());
  }

  @Override
  public void kill(String id) {
    try {
      run(() -> api.killContainerCmd(id).exec());
    } catch (NotFound | ConflictException e) {
      // it stopped already (Conflict: "is not running"), or is gone
    }
  }

  @Override
  public boolean remove(String id) {
    try {
      run(() -> api.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
      return true;
    } catch (NotFound | ConflictException e) {
      // gone already, or its removal is under way elsewhere
      return false;
    }
  }

  @Override
  public List<ContainerSummary> list(Map<String, String> labels) {
    List<Container> containers =
        call(() -> api.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec());
    return containers.stream().map(DockerEngine::summaryOf).toList();
  }

  /** Our summary of a container as Docker's list API returns it. */
  public static ContainerSummary summaryOf(Container container) {
    return new ContainerSummary(
        container.getId(),
        container.getLabels(),
        container.getCreated() == null ? 0 : container.getCreated(),
        container.getState());
  }

  @Override
  public ContainerState inspect(String id) {
    InspectContainerResponse response = call(() -> api.inspectContainerCmd(id).exec());
    InspectContainerResponse.ContainerState state = response.getState();
    Long exitCode = state.getExitCodeLong();
    Long pid = state.getPidLong();
    return new ContainerState(
        Boolean.TRUE.equals(state.getRunning()),
        exitCode == null ? -1 : exitCode.intValue(),
        Boolean.TRUE.equals(state.getOOMKilled()),
        pid == null || pid == 0 ? -1 : pid,
        response.getCreated() == null ? Instant.EPOCH : parseTime(response.getCreated()));
  }

  @Override
  public int awaitExit(String id, Duration timeout) {
    return call(
        () ->
            api.waitContainerCmd(id)
                .start()
                .awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS));
  }

  @Override
  public void ping() {
    run(() -> api.pingCmd().exec());
  }

  /** The engine's time now, from {@code docker info} (its SystemTime). */
  @Override
  public Instant time() {
    String systemTime = call(() -> api.infoCmd().exec().getSystemTime());
    if (systemTime == null || systemTime.isBlank()) {
      throw new IllegalStateException("the Docker engine did not report its time (docker info)");
    }
    return parseTime(systemTime);
  }

  /** The engine's times are RFC 3339 with up to nine fraction digits and a Z or an offset. */
  static Instant parseTime(String time) {
    return OffsetDateTime.parse(time).toInstant();
  }

  /** Runs an engine call, translating docker-java's errors into the port's. */
  private static <T> T call(Supplier<T> engineCall) {
    try {
      return engineCall.get();
    } catch (NotFoundException e) {
      throw new NotFound(e.getMessage(), e);
    } catch (InternalServerErrorException e) {
      throw new EngineFailure(e.getMessage(), e);
    }
  }

  private static void run(Runnable engineCall) {
    call(
        () -> {
          engineCall.run();
          return null;
        });
  }
}
