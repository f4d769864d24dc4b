package dev.gozo.gateway.compat.judge0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gozo.protocol.v1.SourceFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class AdditionalFilesTest {

  @Test
  void shouldUnpackFilesAndSkipDirectories() throws Exception {
    byte[] zip = zip(Map.of("lib/", "", "lib/util.py", "X = 1\n", "data.txt", "42"));

    assertThat(AdditionalFiles.unpack(zip))
        .extracting(SourceFile::getName, f -> f.getContent().toStringUtf8())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("lib/util.py", "X = 1\n"),
            org.assertj.core.groups.Tuple.tuple("data.txt", "42"));
  }

  @Test
  void shouldRefusePathsOutsideTheWorkDirectory() {
    for (String name : new String[] {"../evil", "a/../../evil", "/etc/passwd", "a\\..\\b"}) {
      assertThatThrownBy(() -> AdditionalFiles.unpack(zip(Map.of(name, "x"))))
          .as(name)
          .isInstanceOf(AdditionalFiles.Refused.class);
    }
  }

  @Test
  void shouldRefuseSymbolicLinks() throws Exception {
    byte[] zip = zip(Map.of("link", "/etc/passwd"));
    markFirstEntryAsSymlink(zip);

    assertThatThrownBy(() -> AdditionalFiles.unpack(zip))
        .isInstanceOf(AdditionalFiles.Refused.class)
        .hasMessageContaining("symbolic links");
  }

  @Test
  void shouldStopInflatingABomb() throws Exception {
    byte[] zip = zip(Map.of("bomb", "0".repeat(AdditionalFiles.MAX_FILE_BYTES + 1)));

    assertThat(zip.length).isLessThan(10_000);
    assertThatThrownBy(() -> AdditionalFiles.unpack(zip))
        .isInstanceOf(AdditionalFiles.Refused.class)
        .hasMessageContaining("larger than");
  }

  @Test
  void shouldRefuseTooManyEntriesAndGarbage() throws Exception {
    Map<String, String> many = new java.util.HashMap<>();
    for (int i = 0; i <= AdditionalFiles.MAX_ENTRIES; i++) {
      many.put("f" + i, "x");
    }
    assertThatThrownBy(() -> AdditionalFiles.unpack(zip(many)))
        .isInstanceOf(AdditionalFiles.Refused.class);
    assertThatThrownBy(() -> AdditionalFiles.unpack("not a zip".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(AdditionalFiles.Refused.class);
  }

  static byte[] zip(Map<String, String> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(entry.getKey()));
        out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /** Sets the Unix mode lrwxrwxrwx in the first central directory entry, as `zip -y` writes it. */
  private static void markFirstEntryAsSymlink(byte[] zip) {
    ByteBuffer data = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < zip.length - 4; i++) {
      if (data.getInt(i) == 0x02014b50) {
        data.putShort(i + 4, (short) (3 << 8 | 20)); // made by Unix
        data.putInt(i + 38, 0120777 << 16);
        return;
      }
    }
    throw new AssertionError("no central directory");
  }
}
