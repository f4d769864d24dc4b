package dev.gozo.worker.sandbox.run;

import dev.gozo.jobspec.CommandTemplate;
import dev.gozo.worker.sandbox.SandboxJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The bytes the worker writes to a waiting container's stdin (see launcher.sh for the format).
 * Files travel inside the stream, never through a shared directory, so nothing the program does can
 * make the worker touch the host's filesystem.
 */
public final class LaunchPayload {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String nonce;
  private final byte[] bytes;

  private LaunchPayload(String nonce, byte[] bytes) {
    this.nonce = nonce;
    this.bytes = bytes;
  }

  public static LaunchPayload of(SandboxJob job) {
    return of(job, AfterExit.EXIT, false);
  }

  /**
   * AFTER_EXIT tells the launcher what to do once the program exited. An INTERACTIVE program reads
   * its stdin from the frames of {@link InteractiveInput} that follow (the job's own stdin bytes
   * are sent as the first one), not from a file of the payload.
   */
  static LaunchPayload of(SandboxJob job, AfterExit afterExit, boolean interactive) {
    byte[] nonceBytes = new byte[16];
    RANDOM.nextBytes(nonceBytes);
    String nonce = HexFormat.of().formatHex(nonceBytes);
    byte[] tar = job.work() == null ? tar(job.files()) : tar(job.work(), job.files());
    String entry = job.entryFile();
    String compile =
        job.compiled() ? CommandTemplate.render(job.runtime().getCompileCommand(), entry) : "";
    String run = CommandTemplate.render(job.runtime().getRunCommand(), entry);

    StringBuilder header = new StringBuilder();
    header
        .append("GOZO1 ")
        .append(nonce)
        .append(' ')
        .append(tar.length)
        .append(' ')
        .append(interactive ? 0 : job.stdin().length)
        .append(' ')
        .append(job.args().size())
        .append(' ')
        .append(afterExit.code())
        .append(' ')
        .append(interactive ? 1 : 0)
        .append('\n');
    Base64.Encoder base64 = Base64.getEncoder();
    for (String arg : job.args()) {
      header.append(base64.encodeToString(arg.getBytes(StandardCharsets.UTF_8))).append('\n');
    }
    header.append(compile).append('\n').append(run).append('\n');

    ByteArrayOutputStream out = new ByteArrayOutputStream(tar.length + job.stdin().length + 512);
    out.writeBytes(header.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(tar);
    if (!interactive) {
      out.writeBytes(job.stdin());
    }
    return new LaunchPayload(nonce, out.toByteArray());
  }

  public String nonce() {
    return nonce;
  }

  public byte[] bytes() {
    return bytes;
  }

  private static byte[] tar(Map<String, byte[]> files) {
    return tar(null, files);
  }

  /**
   * The entries of a prepared working directory ({@code work}, a tar the launcher packed after the
   * compile, with its modes: compiled binaries stay executable), then those of {@code files} it
   * does not already hold (the sources are in it; a checker's input files are not).
   */
  private static byte[] tar(byte[] work, Map<String, byte[]> files) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buffer)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      java.util.Set<String> present = work == null ? java.util.Set.of() : copyEntries(work, tar);
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        if (present.contains(file.getKey())) {
          continue;
        }
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
        entry.setSize(file.getValue().length);
        entry.setMode(0100644);
        entry.setModTime(0);
        tar.putArchiveEntry(entry);
        tar.write(file.getValue());
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  /** Copies every entry of the archive {@code work}; returns the names of its files. */
  private static java.util.Set<String> copyEntries(byte[] work, TarArchiveOutputStream tar)
      throws IOException {
    java.util.Set<String> names = new java.util.HashSet<>();
    try (org.apache.commons.compress.archivers.tar.TarArchiveInputStream in =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            new java.io.ByteArrayInputStream(work))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String name = entry.getName();
        if (entry.isFile()) {
          names.add(name.startsWith("./") ? name.substring(2) : name);
        }
        tar.putArchiveEntry(entry); // as packed: name, mode, type (the launcher ignores owners)
        if (entry.isFile()) {
          in.transferTo(tar);
        }
        tar.closeArchiveEntry();
      }
    }
    return names;
  }
}
