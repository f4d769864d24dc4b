package dev.gozo.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ContainerEngine} promises, run against each implementation: {@code
 * DockerEngineContractIT} (the real engine) and {@code FakeEngineContractTest} (the fake the unit
 * tests use). The containers run two small programs, {@link #ECHO} and {@link #WAIT}; the fake
 * plays them.
 */
abstract class ContainerEngineContract {

  static final String IMAGE = "gozo/sandbox-base:1";

  /** Reads one line, writes it to stdout and to stderr, and exits with status 3. */
  static final List<String> ECHO =
      List.of("/bin/sh", "-c", "read line; echo \"out:$line\"; echo \"err:$line\" >&2; exit 3");

  /** Waits until it is killed. */
  static final List<String> WAIT = List.of("/bin/sh", "-c", "exec sleep 600");

  private final String owner = "contract-" + UUID.randomUUID().toString().substring(0, 8);

  /** The engine under test. */
  abstract ContainerEngine engine();

  @AfterEach
  void removeWhatTheTestCreated() {
    engine().list(labels()).forEach(container -> engine().remove(container.id()));
  }

  @Test
  void shouldListACreatedContainerByItsLabelsUntilItIsRemoved() {
    String id = engine().create(spec(WAIT, false));

    assertThat(engine().list(labels()))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.id()).isEqualTo(id);
              assertThat(c.labels()).containsAllEntriesOf(labels());
              assertThat(c.state()).isEqualTo("created");
            });
    assertThat(engine().list(Map.of("dev.gozo.owner", owner + "-other"))).isEmpty();
    assertThat(engine().inspect(id).running()).isFalse();

    assertThat(engine().remove(id)).isTrue();
    assertThat(engine().list(labels())).isEmpty();
    assertThat(engine().remove(id)).as("a second removal").isFalse();
  }

  @Test
  void shouldCarryStdinToTheProgramAndItsOutputAndExitStatusBack() throws Exception {
    String id = engine().create(spec(ECHO, true));
    PipedOutputStream stdin = new PipedOutputStream();
    Output output = new Output();
    try (ContainerEngine.Attachment attachment =
        engine().attach(id, new PipedInputStream(stdin), output)) {
      assertThat(attachment.awaitStarted(Duration.ofSeconds(10))).isTrue();
      engine().start(id);
      stdin.write("hello\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();

      assertThat(engine().awaitExit(id, Duration.ofSeconds(20))).isEqualTo(3);
      output.closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(output.stdout()).isEqualTo("out:hello\n");
      assertThat(output.stderr()).isEqualTo("err:hello\n");
      ContainerState state = engine().inspect(id);
      assertThat(state.running()).isFalse();
      assertThat(state.exitCode()).isEqualTo(3);
      assertThat(state.oomKilled()).isFalse();
    } finally {
      stdin.close();
    }
  }

  @Test
  void shouldKillARunningContainerAndNotMindOneThatStoppedAlready() {
    String id = engine().create(spec(WAIT, false));
    engine().start(id);
    assertThat(engine().inspect(id).running()).isTrue();
    assertThat(engine().inspect(id).pid()).isPositive();
    assertThatThrownBy(() -> engine().awaitExit(id, Duration.ofMillis(300)))
        .as("waiting less than it runs")
        .isInstanceOf(RuntimeException.class);

    engine().kill(id);

    assertThat(engine().awaitExit(id, Duration.ofSeconds(20))).isEqualTo(128 + 9);
    await().atMost(Duration.ofSeconds(10)).until(() -> !engine().inspect(id).running());
    engine().kill(id); // stopped already: no error
    assertThat(engine().remove(id)).isTrue();
  }

  @Test
  void shouldChangeTheLimitsOfACreatedContainer() {
    String id = engine().create(spec(WAIT, false));

    engine().updateLimits(id, 64L * 1024 * 1024, 32);

    assertThat(engine().inspect(id).running()).isFalse();
  }

  @Test
  void shouldReportWhatDoesNotExistAsNotFound() {
    String missing = "0".repeat(64);

    assertThatThrownBy(() -> engine().inspect(missing))
        .isInstanceOf(ContainerEngine.NotFound.class);
    assertThatThrownBy(() -> engine().updateLimits(missing, 64L * 1024 * 1024, 32))
        .isInstanceOf(ContainerEngine.NotFound.class);
    assertThatThrownBy(
            () ->
                engine()
                    .create(
                        new ContainerSpec(
                            "gozo/does-not-exist:0",
                            WAIT,
                            null,
                            null,
                            List.of(),
                            labels(),
                            false,
                            null)))
        .isInstanceOf(ContainerEngine.NotFound.class);
    engine().kill(missing); // gone: no error
    assertThat(engine().remove(missing)).isFalse();
  }

  @Test
  void shouldDateContainersByTheClockItTells() {
    Instant before = engine().time().minusSeconds(1);
    String id = engine().create(spec(WAIT, false));
    Instant after = engine().time().plusSeconds(1);

    assertThat(engine().inspect(id).created()).isBetween(before, after);
    assertThat(engine().list(labels()).get(0).createdEpochSecond())
        .isBetween(before.getEpochSecond(), after.getEpochSecond());
  }

  @Test
  void shouldAnswerAPing() {
    engine().ping();
  }

  private Map<String, String> labels() {
    return Map.of("dev.gozo.owner", owner, "dev.gozo.role", "contract");
  }

  private ContainerSpec spec(List<String> command, boolean interactive) {
    return new ContainerSpec(
        IMAGE,
        command,
        "65534:65534",
        "/tmp",
        List.of("LANG=C.UTF-8"),
        labels(),
        interactive,
        null);
  }

  /** Collects what the engine delivers from an attach stream. */
  private static final class Output implements ContainerEngine.OutputSink {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    @Override
    public synchronized void stdout(byte[] bytes) {
      stdout.writeBytes(bytes);
    }

    @Override
    public synchronized void stderr(byte[] bytes) {
      stderr.writeBytes(bytes);
    }

    @Override
    public void closed() {
      closed.complete(null);
    }

    synchronized String stdout() {
      return stdout.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderr() {
      return stderr.toString(StandardCharsets.UTF_8);
    }
  }

  /** Reads one line from a program's stdin, as {@code read line} does. */
  static String readLine(java.io.InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
