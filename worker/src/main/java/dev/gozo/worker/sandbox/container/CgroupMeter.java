package dev.gozo.worker.sandbox.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * A {@link ResourceMeter} over the container's cgroup files, cgroup v1 or v2. The cgroup is found
 * through /proc/PID/cgroup of the container's init process, or, when the worker cannot see the
 * host's processes (it runs in a container itself), by the cgroupfs driver's usual paths.
 */
final class CgroupMeter implements ResourceMeter {

  private final Path cpuUsage; // v1 cpuacct.usage (ns) or v2 cpu.stat (usage_usec)
  private final Path memoryPeak; // v1 memory.max_usage_in_bytes or v2 memory.peak
  private final Path oomControl; // v1 memory.oom_control or v2 memory.events
  private final Path memoryCurrent; // v1 memory.usage_in_bytes or v2 memory.current
  private final boolean v2;
  // The kernel deletes a container's cgroup as soon as it stops, so the last values read while
  // it ran are kept and reported after that (the watch loop reads every few milliseconds).
  private volatile long lastCpuNanos = -1;
  private volatile long lastPeakBytes = -1;
  private volatile boolean sawOomKill;
  // Recycling mode, from the second job on: memory.peak restarts for the file descriptor that
  // wrote to it (cgroup v2, Linux 6.12+), so the job's own peak is read through that descriptor.
  // Where that fails (older kernel, read-only cgroupfs) memory.current is sampled instead, every
  // time the watch loop looks, which can miss a short spike.
  private FileChannel peakSinceReset;
  private volatile boolean sampleCurrent;

  private CgroupMeter(
      Path cpuUsage, Path memoryPeak, Path oomControl, Path memoryCurrent, boolean v2) {
    this.cpuUsage = cpuUsage;
    this.memoryPeak = memoryPeak;
    this.oomControl = oomControl;
    this.memoryCurrent = memoryCurrent;
    this.v2 = v2;
  }

  static ResourceMeter forContainer(Path cgroupRoot, String containerId, long pid) {
    return locate(cgroupRoot, containerId, pid).orElse(ResourceMeter.NONE);
  }

  static Optional<ResourceMeter> locate(Path root, String containerId, long pid) {
    Optional<ResourceMeter> viaProc = pid > 0 ? fromProc(root, pid) : Optional.empty();
    if (viaProc.isPresent()) {
      return viaProc;
    }
    for (String v1Cpu : List.of("cpu,cpuacct", "cpuacct")) {
      Path cpu = root.resolve(v1Cpu).resolve("docker").resolve(containerId);
      Path memory = root.resolve("memory").resolve("docker").resolve(containerId);
      if (Files.isReadable(cpu.resolve("cpuacct.usage"))) {
        return Optional.of(v1(cpu, memory));
      }
    }
    for (String v2Path :
        List.of("system.slice/docker-" + containerId + ".scope", "docker/" + containerId)) {
      Path dir = root.resolve(v2Path);
      if (Files.isReadable(dir.resolve("cpu.stat"))) {
        return Optional.of(v2(dir));
      }
    }
    return Optional.empty();
  }

  private static Optional<ResourceMeter> fromProc(Path root, long pid) {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"));
    } catch (IOException e) {
      // The process is gone already (a program that exits at once): no meter, and the caller
      // logs that the sandbox runs unmetered.
      return Optional.empty();
    }
    String cpuPath = null;
    String memoryPath = null;
    String unifiedPath = null;
    for (String line : lines) {
      String[] parts = line.split(":", 3);
      if (parts.length < 3) {
        continue;
      }
      for (String controller : parts[1].split(",")) {
        if (controller.equals("cpuacct")) {
          cpuPath = parts[1] + parts[2];
        } else if (controller.equals("memory")) {
          memoryPath = parts[1] + parts[2];
        }
      }
      if (parts[0].equals("0") && parts[1].isEmpty()) {
        unifiedPath = parts[2];
      }
    }
    if (cpuPath != null && memoryPath != null) {
      Path cpu = root.resolve(cpuPath.substring(0, cpuPath.indexOf('/'))).resolve(strip(cpuPath));
      Path memory = root.resolve("memory").resolve(strip(memoryPath));
      if (Files.isReadable(cpu.resolve("cpuacct.usage"))) {
        return Optional.of(v1(cpu, memory));
      }
    }
    if (unifiedPath != null) {
      Path dir = root.resolve(strip(unifiedPath));
      if (Files.isReadable(dir.resolve("cpu.stat"))) {
        return Optional.of(v2(dir));
      }
    }
    return Optional.empty();
  }

  /** "cpu,cpuacct:/docker/abc" -> "docker/abc". */
  private static String strip(String controllerAndPath) {
    int slash = controllerAndPath.indexOf('/');
    return controllerAndPath.substring(slash + 1);
  }

  private static CgroupMeter v1(Path cpu, Path memory) {
    return new CgroupMeter(
        cpu.resolve("cpuacct.usage"),
        memory.resolve("memory.max_usage_in_bytes"),
        memory.resolve("memory.oom_control"),
        memory.resolve("memory.usage_in_bytes"),
        false);
  }

  private static CgroupMeter v2(Path dir) {
    return new CgroupMeter(
        dir.resolve("cpu.stat"),
        dir.resolve("memory.peak"),
        dir.resolve("memory.events"),
        dir.resolve("memory.current"),
        true);
  }

  @Override
  public long cpuNanos() {
    String text = read(cpuUsage);
    if (text == null) {
      return lastCpuNanos;
    }
    long value = v2 ? Math.max(-1, field(text, "usage_usec") * 1000) : parseLong(text.trim());
    if (value > lastCpuNanos) {
      lastCpuNanos = value;
    }
    return lastCpuNanos;
  }

  @Override
  public synchronized void startNextJob() {
    close();
    lastPeakBytes = -1;
    if (v2) {
      try {
        FileChannel channel =
            FileChannel.open(memoryPeak, StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel.write(ByteBuffer.wrap("reset\n".getBytes(StandardCharsets.US_ASCII)));
        peakSinceReset = channel;
        return;
      } catch (IOException | RuntimeException e) {
        // not supported here: sample instead
      }
    }
    sampleCurrent = true;
  }

  @Override
  public synchronized void close() {
    if (peakSinceReset != null) {
      try {
        peakSinceReset.close();
      } catch (IOException e) {
        // nothing to do about it
      }
      peakSinceReset = null;
    }
  }

  @Override
  public long peakMemoryBytes() {
    String text = currentPeakText();
    if (text != null) {
      long value = parseLong(text.trim());
      if (value > lastPeakBytes) {
        lastPeakBytes = value;
      }
    }
    return lastPeakBytes;
  }

  private synchronized String currentPeakText() {
    if (peakSinceReset != null) {
      try {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        peakSinceReset.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        return null; // the cgroup is gone
      }
    }
    return read(sampleCurrent ? memoryCurrent : memoryPeak);
  }

  @Override
  public boolean oomKilled() {
    String text = read(oomControl);
    if (text != null && field(text, "oom_kill") > 0) {
      sawOomKill = true;
    }
    return sawOomKill;
  }

  private static long field(String text, String name) {
    for (String line : text.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2 && parts[0].equals(name)) {
        return parseLong(parts[1]);
      }
    }
    return -1;
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      // The cgroup vanishes with its container: "no value" is the answer, not an error.
      return null;
    }
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1; // a half-written or "max" value: unknown, which callers treat as no sample
    }
  }
}
