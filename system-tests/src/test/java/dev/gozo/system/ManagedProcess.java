package dev.gozo.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real OS process started by a test, with its output in a log file. */
final class ManagedProcess implements AutoCloseable {

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path log;
  private Process process;

  private ManagedProcess(
      String name, List<String> command, Map<String, String> environment, Path log) {
    this.name = name;
    this.command = command;
    this.environment = environment;
    this.log = log;
  }

  static ManagedProcess start(
      String name, List<String> command, Map<String, String> environment, Path logDir) {
    ManagedProcess managed =
        new ManagedProcess(name, command, environment, logDir.resolve(name + ".log"));
    managed.start();
    return managed;
  }

  /** Starts (again) with the same command, appending to the same log. */
  synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.directory(SystemUnderTest.repoRoot().toFile());
    builder.environment().putAll(environment);
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  long pid() {
    return process.pid();
  }

  /**
   * The process's resident set size in bytes, from {@code /proc/<pid>/status} (Linux only), for
   * tests that check memory stays flat.
   */
  long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          // "VmRSS:\t  123456 kB"
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the memory of " + name, e);
    }
    throw new IllegalStateException("no VmRSS for " + name);
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGTERM, then waits; returns the exit code or -1 if it did not exit in time. */
  int terminate(Duration timeout) {
    if (!alive()) {
      return process == null ? -1 : process.exitValue();
    }
    process.destroy();
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return -1;
  }

  /** SIGKILL: the process gets no chance to clean up. */
  void kill() {
    if (alive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** How often {@code text} occurs in the log (all lives of the process). */
  int count(String text) {
    String all = log();
    int count = 0;
    for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + text.length())) {
      count++;
    }
    return count;
  }

  String name() {
    return name;
  }

  @Override
  public void close() {
    if (terminate(Duration.ofSeconds(20)) == -1) {
      kill();
    }
  }
}
