package dev.gozo.worker.sandbox.run;

import dev.gozo.worker.sandbox.LiveSession;
import dev.gozo.worker.sandbox.container.SandboxContainer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Splits a container's stdout and stderr into the compile step's and the run step's output, capping
 * each while it streams, so a program that prints forever costs us a bounded amount of memory.
 * Markers written by the launcher (see launcher.sh) separate the phases; once a stream has passed
 * its "ready" marker, its bytes are the program's; only the launcher's "exit" marker is still
 * recognised there (it carries a 128-bit nonce the program does not know, and could only end the
 * program's own job early if forged).
 *
 * <p>What a step keeps is also handed to the job's {@link LiveSession} as it arrives (the compile
 * step's only for compiled languages: for the others it is the launcher's own noise).
 *
 * <p>Frames of one container arrive on one docker-java thread; the methods are synchronized anyway
 * because the job thread reads the results.
 */
final class OutputCapture implements SandboxContainer.Capture {

  private final byte[] markerPrefix;
  private final StreamState stdout;
  private final StreamState stderr;
  private final long runOutputLimit;
  private long runBytesSeen;
  private final CompletableFuture<Integer> compiled = new CompletableFuture<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> outputLimitHit = new CompletableFuture<>();
  private final CompletableFuture<Integer> exited = new CompletableFuture<>();
  private final CompletableFuture<Void> cleaned = new CompletableFuture<>();
  private final CompletableFuture<byte[]> packed = new CompletableFuture<>();
  // The compiled working directory as the launcher packs it (base64 text), for judging.
  private final java.io.ByteArrayOutputStream packedText = new java.io.ByteArrayOutputStream();
  private boolean packTooLarge;
  private volatile int exitStatus = -1;
  private volatile long readyAtNanos;
  private volatile int compileStatus = -1;
  private final LiveSession live;
  private final java.io.ByteArrayOutputStream liveBytes = new java.io.ByteArrayOutputStream();
  private LiveSession.Stream liveKind;
  private final boolean streamCompileOutput;

  OutputCapture(String nonce, long compileOutputLimit, long runOutputLimit) {
    this(nonce, compileOutputLimit, runOutputLimit, LiveSession.NONE, false);
  }

  OutputCapture(
      String nonce,
      long compileOutputLimit,
      long runOutputLimit,
      LiveSession live,
      boolean streamCompileOutput) {
    this.live = live;
    this.streamCompileOutput = streamCompileOutput;
    this.markerPrefix = ("\n\0GOZO:" + nonce + ":").getBytes(StandardCharsets.US_ASCII);
    this.runOutputLimit = runOutputLimit;
    this.stdout = new StreamState(compileOutputLimit, runOutputLimit);
    this.stderr = new StreamState(compileOutputLimit, runOutputLimit);
  }

  /** Completes with the compiler's exit status when the launcher reports it. */
  CompletableFuture<Integer> compiled() {
    return compiled;
  }

  /** Completes when the program is about to start. */
  CompletableFuture<Void> ready() {
    return ready;
  }

  /** System.nanoTime() when the first "ready" marker arrived (0 before). */
  long readyAtNanos() {
    return readyAtNanos;
  }

  /**
   * Completes with the program's exit status once the launcher reported it on both streams, so all
   * the output the program wrote before exiting has been captured.
   */
  CompletableFuture<Integer> exited() {
    return exited;
  }

  /**
   * Completes when the launcher reported, after the program's exit, that it killed every leftover
   * process and emptied every writable place (recycling mode only).
   */
  CompletableFuture<Void> cleaned() {
    return cleaned;
  }

  /**
   * Completes with the tar archive of the compiled working directory after a "pack" (see
   * launcher.sh), or null when it was larger than {@link #MAX_PACKED_BYTES} or not valid base64.
   */
  CompletableFuture<byte[]> packed() {
    return packed;
  }

  /** The most base64 text a packed working directory may be (48 MiB of files). */
  static final int MAX_PACKED_BYTES = 64 << 20;

  /** Completes when the run step wrote more than its output limit. */
  CompletableFuture<Void> outputLimitHit() {
    return outputLimitHit;
  }

  @Override
  public synchronized void onStdout(byte[] data) {
    accept(stdout, data);
  }

  @Override
  public synchronized void onStderr(byte[] data) {
    accept(stderr, data);
  }

  synchronized byte[] compileStdout() {
    return stdout.compile.toByteArray();
  }

  synchronized byte[] compileStderr() {
    return stderr.compile.toByteArray();
  }

  synchronized boolean compileStdoutTruncated() {
    return stdout.compile.truncated();
  }

  synchronized boolean compileStderrTruncated() {
    return stderr.compile.truncated();
  }

  synchronized byte[] runStdout() {
    return stdout.run.toByteArray();
  }

  synchronized byte[] runStderr() {
    return stderr.run.toByteArray();
  }

  synchronized boolean runStdoutTruncated() {
    return stdout.run.truncated();
  }

  synchronized boolean runStderrTruncated() {
    return stderr.run.truncated();
  }

  /** True when something other than markers came out before the program started. */
  synchronized String setupNoise() {
    return new String(stderr.compile.toByteArray(), StandardCharsets.UTF_8);
  }

  /**
   * The streams ended without the launcher's exit marker (a limit kill, or the launcher died).
   * Bytes held back because they might have begun a marker were the program's, e.g. the newline at
   * the end of its last line: hand them over.
   */
  synchronized void streamsEnded() {
    for (StreamState stream : new StreamState[] {stdout, stderr}) {
      if (!stream.finished() && stream.matched > 0) {
        emit(stream, markerPrefix, 0, stream.matched);
        stream.matched = 0;
      }
    }
    flushLive();
  }

  private void accept(StreamState stream, byte[] data) {
    if (stream.finished()) {
      // The program exited: late output of leftover processes is dropped; only the launcher's
      // "clean" marker still means something.
      for (byte value : data) {
        scan(stream, value);
      }
      return;
    }
    int runStart = -1;
    for (int i = 0; i < data.length && !stream.finished(); i++) {
      if (stream.phase == Phase.PACKING && stream == stdout) {
        // Base64 text never holds the marker's first byte: take whole runs of it at once.
        int end = i;
        while (end < data.length
            && stream.matched == 0
            && !stream.inEvent
            && data[end] != markerPrefix[0]) {
          end++;
        }
        if (end > i) {
          appendPacked(data, i, end - i);
          i = end - 1;
          continue;
        }
      }
      if (stream.phase != Phase.RUNNING) {
        scan(stream, data[i]);
        continue;
      }
      // Run phase: program bytes go out in slices; only the launcher's exit marker is parsed.
      if (stream.matched == 0 && !stream.inEvent && data[i] != markerPrefix[0]) {
        if (runStart < 0) {
          runStart = i;
        }
        continue;
      }
      if (runStart >= 0) {
        appendRun(stream, data, runStart, i - runStart);
        runStart = -1;
      }
      scan(stream, data[i]);
    }
    if (runStart >= 0 && !stream.finished()) {
      appendRun(stream, data, runStart, data.length - runStart);
    }
    streamHeldBytes(stream);
    flushLive();
  }

  /**
   * Collects what one frame (or the end of the streams) gives the live session, so that a frame
   * becomes one piece of output, not one per slice the marker parser cut it into.
   */
  private void toLive(StreamState stream, byte[] data, int offset, int length) {
    LiveSession.Stream kind = kindOf(stream);
    if (liveKind != kind) {
      flushLive();
      liveKind = kind;
    }
    liveBytes.write(data, offset, length);
  }

  private void flushLive() {
    if (liveBytes.size() > 0) {
      live.output(liveKind, liveBytes.toByteArray(), 0, liveBytes.size());
      liveBytes.reset();
    }
  }

  /**
   * Bytes held back because they may begin the launcher's marker (a program's line ends in the
   * marker's first byte, '\n') are kept out of the result until the next bytes decide, but a
   * watcher must not wait for them: a program that prints a line and then sleeps shows the whole
   * line now. Only if they really were a marker (the launcher's write split across frames, which is
   * rare) did the live stream show one newline the result does not have.
   */
  private void streamHeldBytes(StreamState stream) {
    if (stream.phase != Phase.RUNNING || stream.inEvent || stream.matched <= stream.liveAhead) {
      return;
    }
    if (runBytesSeen + stream.matched <= runOutputLimit) {
      toLive(stream, markerPrefix, stream.liveAhead, stream.matched - stream.liveAhead);
      stream.liveAhead = stream.matched;
    }
  }

  private void appendRun(StreamState stream, byte[] data, int offset, int length) {
    appendRun(stream, data, offset, length, 0);
  }

  /** As above; the first {@code alreadyLive} bytes were streamed while they were held back. */
  private void appendRun(StreamState stream, byte[] data, int offset, int length, int alreadyLive) {
    // One budget for stdout and stderr together: the limit is on what the program wrote.
    long room = Math.max(0, runOutputLimit - runBytesSeen);
    int kept = (int) Math.min(room, length);
    runBytesSeen += length;
    stream.run.append(data, offset, kept);
    if (kept > alreadyLive) {
      toLive(stream, data, offset + alreadyLive, kept - alreadyLive);
    }
    if (kept < length) {
      stream.run.markTruncated();
      outputLimitHit.complete(null);
    }
  }

  /** Byte-wise marker matching; the prefix's first byte ('\n') never recurs inside it. */
  private void scan(StreamState stream, byte value) {
    if (stream.inEvent) {
      if (value == '\n') {
        stream.inEvent = false;
        onEvent(stream, stream.event.toString());
        stream.event.setLength(0);
      } else if (stream.event.length() < 64) {
        stream.event.append((char) (value & 0xff));
      }
      return;
    }
    if (value == markerPrefix[stream.matched]) {
      stream.matched++;
      if (stream.matched == markerPrefix.length) {
        stream.inEvent = true;
        stream.matched = 0;
      }
      return;
    }
    if (stream.matched > 0) {
      emit(stream, markerPrefix, 0, stream.matched);
      stream.matched = 0;
      if (value == markerPrefix[0]) {
        stream.matched = 1;
        return;
      }
    }
    emit(stream, new byte[] {value}, 0, 1);
  }

  private void appendPacked(byte[] data, int offset, int length) {
    if (packedText.size() + (long) length > MAX_PACKED_BYTES) {
      packTooLarge = true;
      return;
    }
    packedText.write(data, offset, length);
  }

  private void emit(StreamState stream, byte[] data, int offset, int length) {
    if (stream.finished()) {
      return;
    }
    if (stream.phase == Phase.PACKING && stream == stdout) {
      appendPacked(data, offset, length);
      return;
    }
    if (stream.phase == Phase.RUNNING) {
      int alreadyLive = data == markerPrefix ? Math.min(stream.liveAhead, length) : 0;
      stream.liveAhead = 0;
      appendRun(stream, data, offset, length, alreadyLive);
    } else {
      long room = Math.max(0, stream.compile.remaining());
      stream.compile.append(data, offset, length);
      if (streamCompileOutput && room > 0) {
        toLive(stream, data, offset, (int) Math.min(room, length));
      }
    }
  }

  private LiveSession.Stream kindOf(StreamState stream) {
    return stream == stdout ? LiveSession.Stream.STDOUT : LiveSession.Stream.STDERR;
  }

  private void onEvent(StreamState stream, String event) {
    if (stream.finished()) {
      if (event.equals("clean")) {
        stream.phase = Phase.CLEAN;
        if (stdout.phase == Phase.CLEAN && stderr.phase == Phase.CLEAN) {
          cleaned.complete(null);
        }
      }
      return;
    }
    if (stream.phase == Phase.RUNNING && !event.startsWith("exit:")) {
      // Not an event of the run phase: it was the program's output all along.
      byte[] text = (event + "\n").getBytes(StandardCharsets.ISO_8859_1);
      appendRun(stream, markerPrefix, 0, markerPrefix.length, stream.liveAhead);
      stream.liveAhead = 0;
      appendRun(stream, text, 0, text.length);
      return;
    }
    if (event.equals("packing") && stream.phase == Phase.COMPILED) {
      stream.phase = Phase.PACKING;
      return;
    }
    if (event.equals("packed") && stream.phase == Phase.PACKING) {
      stream.phase = Phase.FINISHED;
      if (stream == stdout) {
        packed.complete(decodePacked());
      }
      return;
    }
    if (event.equals("ready")) {
      stream.phase = Phase.RUNNING;
      // The program starts right after the launcher wrote this; the first stream to bring it
      // starts the clock (the other may be delayed behind a frame of the program's output).
      if (!ready.isDone()) {
        readyAtNanos = System.nanoTime();
      }
      ready.complete(null);
    } else if (event.startsWith("exit:")) {
      stream.phase = Phase.FINISHED;
      if (stream == stdout) {
        exitStatus = parseStatus(event.substring("exit:".length()));
      }
      if (stdout.finished() && stderr.finished()) {
        exited.complete(exitStatus);
      }
    } else if (event.startsWith("compiled:")) {
      stream.phase = Phase.COMPILED;
      if (stream == stdout) {
        compileStatus = parseStatus(event.substring("compiled:".length()));
      }
      // Both streams must have passed the marker, or the compiler's last words could be missing.
      if (stdout.pastCompiled() && stderr.pastCompiled()) {
        compiled.complete(compileStatus);
      }
    }
  }

  private byte[] decodePacked() {
    if (packTooLarge) {
      return null;
    }
    try {
      return java.util.Base64.getDecoder().decode(packedText.toByteArray());
    } catch (IllegalArgumentException e) {
      return null;
    } finally {
      packedText.reset();
    }
  }

  private static int parseStatus(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1; // a marker the program forged or garbled: an unknown status, never trusted
    }
  }

  /**
   * Where one stream is in the launcher's protocol; it only moves forward, one marker at a time.
   * Before RUNNING, bytes are setup and compiler output; in RUNNING they are the program's; from
   * FINISHED on they are dropped and only the "clean" marker counts.
   */
  enum Phase {
    /** Before any marker: the launcher unpacks the job, the compiler runs. */
    SETUP,
    /** Past "compiled:N"; waiting for the worker's "run" (or "pack"). */
    COMPILED,
    /** Past "packing": stdout carries the compiled working directory (judging), until "packed". */
    PACKING,
    /** Past "ready": the program's output. */
    RUNNING,
    /** Past "exit:N": the program exited. */
    FINISHED,
    /** Past "clean": the launcher scrubbed the container for the next job (recycling). */
    CLEAN
  }

  private static final class StreamState {
    final CappedBuffer compile;
    final CappedBuffer run;
    final StringBuilder event = new StringBuilder();
    // The marker parser: bytes of the marker prefix matched so far, and whether the event text
    // after a whole prefix is being read.
    int matched;
    // How many of the held-back bytes (markerPrefix[0, matched)) the live stream already has.
    int liveAhead;
    boolean inEvent;
    Phase phase = Phase.SETUP;

    StreamState(long compileLimit, long runLimit) {
      this.compile = new CappedBuffer(compileLimit);
      this.run = new CappedBuffer(runLimit);
    }

    boolean finished() {
      return phase.compareTo(Phase.FINISHED) >= 0;
    }

    boolean pastCompiled() {
      return phase.compareTo(Phase.COMPILED) >= 0;
    }
  }
}
