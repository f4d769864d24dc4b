package dev.gozo.worker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An in-memory {@link ContainerEngine} for unit tests. A started container runs a {@link Program}
 * on its own thread instead of a process: the program reads the container's stdin and writes its
 * stdout and stderr, and its return is the container's exit. Tests choose the program by the spec
 * (e.g. a fake launcher that replays launcher.sh's markers) and can take the engine down. It passes
 * the same contract test as {@link DockerEngine}.
 */
public final class FakeEngine implements ContainerEngine {

  /** Exit status of a container killed with SIGKILL, as Docker reports it. */
  public static final int KILLED = 128 + 9;

  /** What a started container does. */
  @FunctionalInterface
  public interface Program {
    /** Runs until the container should exit; returns its exit status. */
    int run(Process process) throws Exception;
  }

  /** A running container as its program sees it. */
  public interface Process {
    String id();

    ContainerSpec spec();

    InputStream stdin();

    void stdout(byte[] bytes);

    void stderr(byte[] bytes);

    default void stdout(String text) {
      stdout(text.getBytes(StandardCharsets.UTF_8));
    }

    default void stderr(String text) {
      stderr(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Ends the container as the kernel's OOM killer does. */
    void oomKill();

    /** Memory and pids limits as last set (by create or updateLimits). */
    long memoryBytes();

    long processes();
  }

  /** A program that waits until it is killed. */
  public static final Program WAITS =
      process -> {
        Thread.sleep(Long.MAX_VALUE);
        return 0;
      };

  private record Choice(Predicate<ContainerSpec> when, Program program) {}

  private final Map<String, Box> boxes = new ConcurrentHashMap<>();
  private final List<Choice> programs = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger creates = new AtomicInteger();
  private final AtomicInteger removes = new AtomicInteger();
  private volatile boolean down;
  private volatile Duration skew = Duration.ZERO;

  /**
   * Containers whose spec matches WHEN run PROGRAM (the first match wins; default {@link #WAITS}).
   */
  public FakeEngine program(Predicate<ContainerSpec> when, Program program) {
    programs.add(new Choice(when, program));
    return this;
  }

  /** Every later call fails as when the engine's socket is gone (true), or works again. */
  public void down(boolean down) {
    this.down = down;
  }

  /** Moves the engine's clock (creation times and {@link #time()}) by SKEW from the host's. */
  public void skew(Duration skew) {
    this.skew = skew;
  }

  /** Containers created so far. */
  public int creates() {
    return creates.get();
  }

  /** Containers removed so far. */
  public int removes() {
    return removes.get();
  }

  /** Containers that exist now (any state). */
  public int existing() {
    return boxes.size();
  }

  /** Ids of the containers running now. */
  public List<String> running() {
    return boxes.values().stream().filter(b -> b.state.equals("running")).map(b -> b.id).toList();
  }

  /** The limits a container has now: memory bytes and processes. */
  public long[] limitsOf(String id) {
    Box box = box(id);
    return new long[] {box.memoryBytes, box.processes};
  }

  @Override
  public String create(ContainerSpec spec) {
    checkUp();
    if (spec.image().contains("does-not-exist")) {
      throw new NotFound("No such image: " + spec.image(), null);
    }
    String id = String.format("fake%060d", ids.incrementAndGet());
    Box box = new Box(id, spec, now());
    boxes.put(id, box);
    creates.incrementAndGet();
    return id;
  }

  @Override
  public Attachment attach(String id, InputStream stdin, OutputSink output) {
    checkUp();
    Box box = box(id);
    synchronized (box) {
      box.stdin = stdin;
      box.output = output;
      if (!box.state.equals("created") && !box.state.equals("running")) {
        output.closed();
      }
    }
    return new Attachment() {
      @Override
      public boolean awaitStarted(Duration timeout) {
        return true;
      }

      @Override
      public void close() {
        synchronized (box) {
          box.output = null;
        }
        output.closed();
      }
    };
  }

  @Override
  public void start(String id) {
    checkUp();
    Box box = box(id);
    synchronized (box) {
      if (!box.state.equals("created")) {
        return;
      }
      box.state = "running";
    }
    Program program =
        programs.stream()
            .filter(choice -> choice.when().test(box.spec))
            .map(Choice::program)
            .findFirst()
            .orElse(WAITS);
    Thread thread =
        new Thread(
            () -> {
              int status;
              try {
                status = program.run(box);
              } catch (InterruptedException | IOException e) {
                status = KILLED; // killed while it blocked; kill() has set the state already
              } catch (Exception e) {
                box.stderr(("fake program failed: " + e).getBytes(StandardCharsets.UTF_8));
                status = 1;
              }
              box.exit(status, false);
            },
            "fake-container-" + id.substring(id.length() - 4));
    thread.setDaemon(true);
    box.thread = thread;
    thread.start();
  }

  @Override
  public void updateLimits(String id, long memoryBytes, long processes) {
    checkUp();
    Box box = box(id);
    box.memoryBytes = memoryBytes;
    box.processes = processes;
  }

  @Override
  public void kill(String id) {
    checkUp();
    Box box = boxes.get(id);
    if (box != null) {
      box.exit(KILLED, false);
    }
  }

  @Override
  public boolean remove(String id) {
    checkUp();
    Box box = boxes.remove(id);
    if (box == null) {
      return false;
    }
    box.exit(KILLED, false);
    removes.incrementAndGet();
    return true;
  }

  @Override
  public List<ContainerSummary> list(Map<String, String> labels) {
    checkUp();
    List<ContainerSummary> found = new ArrayList<>();
    for (Box box : boxes.values()) {
      if (box.spec.labels().entrySet().containsAll(labels.entrySet())) {
        found.add(
            new ContainerSummary(
                box.id, box.spec.labels(), box.created.getEpochSecond(), box.state));
      }
    }
    return found;
  }

  @Override
  public ContainerState inspect(String id) {
    checkUp();
    Box box = box(id);
    synchronized (box) {
      boolean running = box.state.equals("running");
      return new ContainerState(
          running, box.exitCode, box.oomKilled, running ? 1 : -1, box.created);
    }
  }

  @Override
  public int awaitExit(String id, Duration timeout) {
    checkUp();
    Box box = box(id);
    try {
      if (!box.exited.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("container " + id + " still runs after " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + id, e);
    }
    return box.exitCode;
  }

  @Override
  public void ping() {
    checkUp();
  }

  @Override
  public Instant time() {
    checkUp();
    return now();
  }

  private Instant now() {
    return Instant.now().plus(skew);
  }

  private void checkUp() {
    if (down) {
      throw new EngineFailure(
          "fake engine is down", new IOException("Connection refused (fake engine down)"));
    }
  }

  private Box box(String id) {
    Box box = boxes.get(id);
    if (box == null) {
      throw new NotFound("No such container: " + id, null);
    }
    return box;
  }

  /** One container. Its state moves created -> running -> exited, never back. */
  private static final class Box implements Process {
    private final String id;
    private final ContainerSpec spec;
    private final Instant created;
    private final CountDownLatch exited = new CountDownLatch(1);
    private volatile String state = "created";
    private volatile int exitCode = -1;
    private volatile boolean oomKilled;
    private volatile InputStream stdin = InputStream.nullInputStream();
    private volatile OutputSink output;
    private volatile Thread thread;
    private volatile long memoryBytes;
    private volatile long processes;

    Box(String id, ContainerSpec spec, Instant created) {
      this.id = id;
      this.spec = spec;
      this.created = created;
      if (spec.isolation() != null) {
        memoryBytes = spec.isolation().memoryBytes();
        processes = spec.isolation().processes();
      }
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public ContainerSpec spec() {
      return spec;
    }

    @Override
    public InputStream stdin() {
      return stdin;
    }

    @Override
    public void stdout(byte[] bytes) {
      OutputSink sink = output;
      if (sink != null && state.equals("running")) {
        sink.stdout(bytes);
      }
    }

    @Override
    public void stderr(byte[] bytes) {
      OutputSink sink = output;
      if (sink != null && state.equals("running")) {
        sink.stderr(bytes);
      }
    }

    @Override
    public void oomKill() {
      exit(KILLED, true);
    }

    @Override
    public long memoryBytes() {
      return memoryBytes;
    }

    @Override
    public long processes() {
      return processes;
    }

    /** The first exit counts; the streams end with it, as an engine's do. */
    void exit(int status, boolean oom) {
      OutputSink sink;
      synchronized (this) {
        if (!state.equals("running") && !state.equals("created")) {
          return;
        }
        if (state.equals("created")) {
          return; // never started: a kill or a remove of a created container changes nothing
        }
        state = "exited";
        exitCode = status;
        oomKilled = oom;
        sink = output;
      }
      exited.countDown();
      Thread running = thread;
      if (running != null && running != Thread.currentThread()) {
        running.interrupt();
      }
      if (sink != null) {
        sink.closed();
      }
    }
  }
}
