package dev.gozo.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.testcontainers.containers.output.OutputFrame;

/**
 * A container's output, appended to a file under target/fleet-logs/ so that a failed run can be
 * read afterwards without flooding the build log. Several lives of one worker share a file.
 */
final class ContainerLog implements Consumer<OutputFrame> {

  private final Path file;
  private final Writer writer;

  ContainerLog(Path dir, String name) {
    this.file = dir.resolve(name + ".log");
    try {
      Files.createDirectories(dir);
      this.writer =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void accept(OutputFrame frame) {
    if (frame.getType() == OutputFrame.OutputType.END) {
      return;
    }
    try {
      writer.write(frame.getUtf8String());
      writer.flush();
    } catch (IOException e) {
      // a log line lost is no reason to fail the run
    }
  }

  /** Everything written so far. */
  synchronized String text() {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path file() {
    return file;
  }
}
