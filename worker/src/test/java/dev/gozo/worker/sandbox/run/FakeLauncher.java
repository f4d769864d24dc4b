package dev.gozo.worker.sandbox.run;

import dev.gozo.worker.engine.FakeEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Plays launcher.sh inside a {@link FakeEngine} container: reads the job from stdin in the format
 * {@link LaunchPayload} writes, and answers with the launcher's markers ("compiled:N", "ready",
 * "exit:N", "clean") around what the test's compiler and program do. Only the protocol is real; the
 * steps are the test's.
 */
final class FakeLauncher implements FakeEngine.Program {

  /** One step (the compiler or the program) inside the container; returns its exit status. */
  @FunctionalInterface
  interface Step {
    int run(FakeEngine.Process process) throws Exception;
  }

  private final Step compiler;
  private final Step program;

  FakeLauncher(Step compiler, Step program) {
    this.compiler = compiler;
    this.program = program;
  }

  /** A launcher whose compiler succeeds silently and whose program is PROGRAM. */
  static FakeLauncher running(Step program) {
    return new FakeLauncher(process -> 0, program);
  }

  /**
   * An interactive program that reads {@link InteractiveInput} frames from its stdin: it echoes
   * each "d N" frame's bytes to stdout, exits 0 at "e" (end of input, as cat does) and 128+N at "s
   * NAME" (killed by that signal).
   */
  static Step echoesInteractiveInput() {
    return process -> {
      InputStream in = process.stdin();
      while (true) {
        String frame = line(in);
        if (frame == null || frame.equals("e")) {
          return 0;
        }
        if (frame.startsWith("d ")) {
          process.stdout(in.readNBytes(Integer.parseInt(frame.substring(2))));
        } else if (frame.startsWith("s ")) {
          return 128
              + switch (frame.substring(2)) {
                case "INT" -> 2;
                case "KILL" -> 9;
                case "TERM" -> 15;
                default -> throw new IllegalStateException("not a signal: " + frame);
              };
        } else {
          throw new IllegalStateException("not an input frame: " + frame);
        }
      }
    };
  }

  @Override
  public int run(FakeEngine.Process process) throws Exception {
    InputStream in = process.stdin();
    while (true) {
      String header = line(in);
      if (header == null) {
        return 0; // stdin closed: the worker is done with this container
      }
      String[] fields = header.split(" ");
      if (fields.length != 7 || !fields[0].equals("GOZO1")) {
        return 90; // as launcher.sh: a garbled job ends the container
      }
      String nonce = fields[1];
      long tarBytes = Long.parseLong(fields[2]);
      long stdinBytes = Long.parseLong(fields[3]);
      int argc = Integer.parseInt(fields[4]);
      String afterExit = fields[5];
      // fields[6]: interactive; the test's program then reads InteractiveInput frames itself
      for (int i = 0; i < argc; i++) {
        line(in);
      }
      String compile = line(in);
      line(in); // the run command: the test's program stands for it
      in.readNBytes((int) (tarBytes + stdinBytes));
      if (!compile.isEmpty()) {
        marker(process, nonce, "compiled:" + compiler.run(process));
        String go = line(in);
        if (!"run".equals(go)) {
          return 0;
        }
      }
      marker(process, nonce, "ready");
      marker(process, nonce, "exit:" + program.run(process));
      switch (afterExit) {
        case "1" -> marker(process, nonce, "clean");
        case "2" -> {
          line(in); // linger until the worker closes stdin or removes the container
          return 0;
        }
        default -> {
          return 0;
        }
      }
    }
  }

  private static void marker(FakeEngine.Process process, String nonce, String event) {
    String marker = "\n\0GOZO:" + nonce + ":" + event + "\n";
    process.stdout(marker);
    process.stderr(marker);
  }

  /** One line without its newline; null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.write(b);
    }
    return b < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }
}
