package dev.gozo.jobspec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.gozo.protocol.v1.Limits;
import dev.gozo.protocol.v1.Runtime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The languages the fleet can run, read from the catalogue file (protobuf JSON of {@code
 * gozo.v1.RuntimeCatalogue}). Gateway and worker load the same file, so a language is added by
 * editing data, never Java.
 */
public final class RuntimeCatalogue {

  private static final String BUNDLED = "/dev/gozo/jobspec/catalogue.json";
  private static final Comparator<Runtime> NEWEST_FIRST =
      Comparator.comparing(Runtime::getVersion, RuntimeCatalogue::compareVersions).reversed();

  private final dev.gozo.protocol.v1.RuntimeCatalogue data;

  private RuntimeCatalogue(dev.gozo.protocol.v1.RuntimeCatalogue data) {
    this.data = data;
    checkConsistency();
  }

  /** Loads the file at {@code path}, or the copy bundled in this jar when path is null/blank. */
  public static RuntimeCatalogue load(String path) {
    if (path == null || path.isBlank()) {
      return bundled();
    }
    try {
      return parse(Files.readString(Path.of(path), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read runtime catalogue " + path, e);
    }
  }

  /** The catalogue shipped inside this jar (deploy/runtimes/catalogue.json at build time). */
  public static RuntimeCatalogue bundled() {
    try (InputStream in = RuntimeCatalogue.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("bundled catalogue missing: " + BUNDLED);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RuntimeCatalogue parse(String json) {
    var builder = dev.gozo.protocol.v1.RuntimeCatalogue.newBuilder();
    try {
      JsonFormat.parser().merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("invalid runtime catalogue: " + e.getMessage(), e);
    }
    return new RuntimeCatalogue(builder.build());
  }

  /** Every runtime, sorted by language then newest version first. */
  public List<Runtime> runtimes() {
    List<Runtime> sorted = new ArrayList<>(data.getRuntimesList());
    sorted.sort(Comparator.comparing(Runtime::getLanguage).thenComparing(NEWEST_FIRST));
    return sorted;
  }

  /**
   * Finds the runtime for a language id or alias (case-insensitive) whose version starts with
   * {@code versionPrefix}; the newest such version wins. A blank prefix means any version.
   */
  public Optional<Runtime> resolve(String language, String versionPrefix) {
    String wanted = language == null ? "" : language.trim().toLowerCase(Locale.ROOT);
    String prefix = versionPrefix == null ? "" : versionPrefix.trim();
    return data.getRuntimesList().stream()
        .filter(r -> r.getLanguage().equals(wanted) || r.getAliasesList().contains(wanted))
        .filter(r -> prefix.isEmpty() || versionMatches(r.getVersion(), prefix))
        .min(NEWEST_FIRST);
  }

  /** True when some runtime answers to this language id or alias, whatever its version. */
  public boolean knowsLanguage(String language) {
    return resolve(language, "").isPresent();
  }

  public Limits maxLimits() {
    return data.getMaxLimits();
  }

  public Limits maxCompileLimits() {
    return data.getMaxCompileLimits();
  }

  /** "3" matches "3.11.2" and "3.11" matches "3.11.2", but "3.1" does not match "3.11.2". */
  static boolean versionMatches(String version, String prefix) {
    return version.equals(prefix) || version.startsWith(prefix + ".");
  }

  static int compareVersions(String a, String b) {
    String[] left = a.split("[.\\-+]");
    String[] right = b.split("[.\\-+]");
    for (int i = 0; i < Math.max(left.length, right.length); i++) {
      String l = i < left.length ? left[i] : "0";
      String r = i < right.length ? right[i] : "0";
      int cmp =
          l.matches("\\d+") && r.matches("\\d+")
              ? Long.compare(Long.parseLong(l), Long.parseLong(r))
              : l.compareTo(r);
      if (cmp != 0) {
        return cmp;
      }
    }
    return 0;
  }

  private void checkConsistency() {
    Set<String> names = new HashSet<>();
    for (Runtime runtime : data.getRuntimesList()) {
      require(!runtime.getLanguage().isBlank(), "a runtime has no language");
      require(!runtime.getImage().isBlank(), runtime.getLanguage() + ": image is required");
      require(
          !runtime.getRunCommand().isBlank(), runtime.getLanguage() + ": runCommand is required");
      require(
          !runtime.getRunCommand().contains("\n") && !runtime.getCompileCommand().contains("\n"),
          runtime.getLanguage() + ": commands must be single lines");
      require(
          names.add(runtime.getLanguage() + "@" + runtime.getVersion()),
          "duplicate runtime " + runtime.getLanguage() + "@" + runtime.getVersion());
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("invalid runtime catalogue: " + message);
    }
  }
}
