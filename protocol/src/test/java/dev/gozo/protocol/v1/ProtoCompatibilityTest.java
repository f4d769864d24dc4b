package dev.gozo.protocol.v1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Clients we never see decode our topics with the descriptors they were built with: a field number,
 * once released, keeps its name, type and cardinality forever, or is removed and reserved. The last
 * released shape is {@code released-v1.shape}; new fields and values may be added freely. On a
 * release, regenerate it: {@code mvn -pl protocol test -Dgozo.proto.release=true}.
 */
class ProtoCompatibilityTest {

  private static final String RELEASED = "released-v1.shape";
  private static final List<String> HEADER =
      List.of(
          "# The protocol as last released: one line per field number and enum value. Regenerate on a",
          "# release only (mvn -pl protocol test -Dgozo.proto.release=true); ProtoCompatibilityTest"
              + " reads it.");

  @Test
  void shouldKeepEveryReleasedFieldNumberWithItsMeaningOrReserveIt() throws IOException {
    Map<String, String> current = ProtoShape.of(ProtoShape.FILES);
    if (Boolean.getBoolean("gozo.proto.release")) {
      List<String> lines = new ArrayList<>(HEADER);
      lines.addAll(ProtoShape.lines(current));
      Files.write(Path.of("src/test/resources", RELEASED), lines, StandardCharsets.UTF_8);
    }

    List<String> broken = new ArrayList<>();
    released()
        .forEach(
            (key, was) -> {
              String now = current.get(key);
              String[] parts = key.split(" ");
              if (now == null) {
                if (!ProtoShape.isReserved(
                    ProtoShape.FILES, parts[0], parts[1], Integer.parseInt(parts[2]))) {
                  broken.add(key + " (" + was + ") was removed without reserving its number");
                }
              } else if (!now.equals(was)) {
                broken.add(key + " was '" + was + "', is now '" + now + "'");
              }
            });

    assertThat(broken).as("incompatible changes against " + RELEASED).isEmpty();
  }

  @Test
  void shouldStartEveryEnumWithAnUnspecifiedZero() {
    ProtoShape.of(ProtoShape.FILES)
        .forEach(
            (key, name) -> {
              if (key.startsWith("enum ") && key.endsWith(" 0")) {
                assertThat(name).as(key).endsWith("_UNSPECIFIED");
              }
            });
  }

  private static Map<String, String> released() throws IOException {
    Map<String, String> shape = new LinkedHashMap<>();
    try (InputStream in = ProtoCompatibilityTest.class.getResourceAsStream("/" + RELEASED)) {
      assertThat(in).as(RELEASED + " on the test classpath").isNotNull();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split(" ", 4);
        shape.put(parts[0] + " " + parts[1] + " " + parts[2], parts[3]);
      }
    }
    return shape;
  }
}
