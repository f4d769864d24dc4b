package dev.gozo.gateway.compat.judge0;

import com.google.protobuf.ByteString;
import dev.gozo.protocol.v1.SourceFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks Judge0's {@code additional_files}, a zip archive, into extra files of the job, refusing
 * what could reach outside the job's directory or exhaust the gateway: names with {@code ..}, an
 * absolute or backslashed path, symbolic links, more than {@link #MAX_ENTRIES} entries, and more
 * bytes than the job's bounds take, counted while inflating (a small archive can inflate to
 * gigabytes). Names are then checked again, with every other file, by the job validator.
 */
final class AdditionalFiles {

  /** The job takes 64 files (JobBounds); the source file is one of them. */
  static final int MAX_ENTRIES = 63;

  /** One file's bound in the job (JobBounds: 1 MiB). */
  static final int MAX_FILE_BYTES = 1 << 20;

  /** All files' bound in the job (JobBounds: 4 MiB); inflating stops there. */
  static final int MAX_TOTAL_BYTES = 4 << 20;

  /** Unix file type bits in a zip entry's external attributes, and the symbolic link's type. */
  private static final int S_IFMT = 0170000;

  private static final int S_IFLNK = 0120000;

  /** The archive could not be used; the message says why, for the client. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private AdditionalFiles() {}

  static List<SourceFile> unpack(byte[] zip) throws Refused {
    if (hasSymbolicLink(zip)) {
      throw new Refused("must not contain symbolic links");
    }
    List<SourceFile> files = new ArrayList<>();
    long total = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry entry;
      int entries = 0;
      while ((entry = in.getNextEntry()) != null) {
        if (++entries > MAX_ENTRIES) {
          throw new Refused("must hold at most " + MAX_ENTRIES + " entries");
        }
        String name = entry.getName();
        checkName(name);
        if (entry.isDirectory()) {
          continue;
        }
        byte[] content = read(in, name, MAX_TOTAL_BYTES - total);
        total += content.length;
        files.add(
            SourceFile.newBuilder().setName(name).setContent(ByteString.copyFrom(content)).build());
      }
      if (entries == 0) {
        throw new Refused("is not a zip archive with files");
      }
    } catch (IOException e) {
      throw new Refused("is not a valid zip archive");
    }
    return files;
  }

  private static void checkName(String name) throws Refused {
    if (name.startsWith("/") || name.contains("\\") || name.matches("^[A-Za-z]:.*")) {
      throw new Refused("'" + name + "' must be a relative path");
    }
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        throw new Refused("'" + name + "' must not contain '..'");
      }
    }
  }

  private static byte[] read(InputStream in, String name, long budget) throws IOException, Refused {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) > 0) {
      out.write(buffer, 0, n);
      if (out.size() > MAX_FILE_BYTES) {
        throw new Refused("'" + name + "' is larger than " + MAX_FILE_BYTES + " bytes unpacked");
      }
      if (out.size() > budget) {
        throw new Refused("holds more than " + MAX_TOTAL_BYTES + " bytes unpacked");
      }
    }
    return out.toByteArray();
  }

  /**
   * Whether the central directory marks an entry as a Unix symbolic link. Only the central
   * directory holds the file type, and {@code java.util.zip} does not expose it, so it is read
   * here: the end record gives the directory's offset, each entry's external attributes carry the
   * Unix mode in their upper 16 bits.
   */
  static boolean hasSymbolicLink(byte[] zip) throws Refused {
    ByteBuffer data = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int end = -1;
    for (int i = zip.length - 22; i >= 0 && i >= zip.length - 22 - 0xffff; i--) {
      if (data.getInt(i) == 0x06054b50) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw new Refused("is not a valid zip archive");
    }
    int count = Short.toUnsignedInt(data.getShort(end + 10));
    long offset = Integer.toUnsignedLong(data.getInt(end + 16));
    int at = (int) Math.min(offset, zip.length);
    for (int i = 0; i < count; i++) {
      if (at + 46 > zip.length || data.getInt(at) != 0x02014b50) {
        throw new Refused("is not a valid zip archive");
      }
      int externalAttributes = data.getInt(at + 38);
      if (((externalAttributes >>> 16) & S_IFMT) == S_IFLNK) {
        return true;
      }
      int nameLength = Short.toUnsignedInt(data.getShort(at + 28));
      int extraLength = Short.toUnsignedInt(data.getShort(at + 30));
      int commentLength = Short.toUnsignedInt(data.getShort(at + 32));
      at += 46 + nameLength + extraLength + commentLength;
    }
    return false;
  }
}
