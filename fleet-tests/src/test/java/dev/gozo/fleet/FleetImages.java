package dev.gozo.fleet;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The images of the fleet, built from deploy/ the way scripts/lib/service-images.sh builds them, so
 * that each side reuses what the other built. An image is reused when its {@code
 * dev.gozo.build-hash} label matches the hash of its inputs and parent image, and rebuilt
 * otherwise, so the test never runs a stale jar:
 *
 * <ul>
 *   <li>gozo/worker:dev, gozo/gateway:dev, gozo/kafka:4.4.0: sha256 over "sha256hex(file)\n" per
 *       input, in order, then "parentImageId\n" ({@code gozo_input_hash}); the repository root is
 *       the build context.
 *   <li>gozo/jre:17, only built when missing (it needs Debian's package mirror): the hash of {@code
 *       gozo_context_hash} in scripts/lib/common.sh over deploy/jre.
 * </ul>
 *
 * The Kafka jars come from .gozo/kafka/jars (staged by scripts/images-services) or else from the
 * classpath that scripts/lib/common.sh resolved (.gozo/kafka/classpath.txt). What cannot be built
 * here (gozo/base:bookworm, the python sandbox runtime) must exist; the failure says how to make
 * it.
 */
final class FleetImages {

  static final String BASE = "gozo/base:bookworm";
  static final String JRE = "gozo/jre:17";
  static final String KAFKA = "gozo/kafka:4.4.0";
  static final String WORKER = "gozo/worker:dev";
  static final String GATEWAY = "gozo/gateway:dev";
  static final String PYTHON_RUNTIME = "gozo/runtime-python:1";
  private static final String HASH_LABEL = "dev.gozo.build-hash";
  private static final String KAFKA_JARS = ".gozo/kafka/jars";
  private static final String KAFKA_CLASSPATH = ".gozo/kafka/classpath.txt";

  private static final Logger LOG = LoggerFactory.getLogger(FleetImages.class);

  private final Path root;
  private final DockerClient docker;

  FleetImages(Path root, DockerClient docker) {
    this.root = root;
    this.docker = docker;
  }

  /** Makes sure every image the fleet runs exists and is current; fails saying how to fix it. */
  void ensureAll() {
    require(PYTHON_RUNTIME, "the workers start sandboxes from it; build it with scripts/images");
    String jreId = imageId(JRE).orElseGet(this::buildJre);
    ensure(
        WORKER,
        jreId,
        fromRoot(
            "deploy/worker/Dockerfile", "deploy/worker/entrypoint.sh", "worker/target/worker.jar"));
    ensure(
        GATEWAY,
        jreId,
        fromRoot("deploy/gateway/Dockerfile", "api-gateway/target/api-gateway.jar"));
    ensureKafka(jreId);
  }

  private String buildJre() {
    String baseId =
        require(BASE, "scripts/images makes it with debootstrap (no registry can be pulled)");
    Path dockerfile = root.resolve("deploy/jre/Dockerfile");
    // gozo_context_hash over the one file of deploy/jre: `sha256sum ./Dockerfile` and the base id
    String listing = sha256(dockerfile) + "  ./Dockerfile\n" + baseId + "\n";
    String hash = sha256(listing);
    LOG.info("{} is missing: building it from {} (apt needs Debian's mirror)", JRE, BASE);
    build(JRE, Map.of("Dockerfile", dockerfile), BASE, hash, cmd -> cmd.withNetworkMode("host"));
    return imageId(JRE).orElseThrow();
  }

  private void ensureKafka(String jreId) {
    Map<String, Path> inputs =
        fromRoot(
            "deploy/kafka/Dockerfile",
            "deploy/kafka/entrypoint.sh",
            "deploy/kafka/log4j2.properties",
            "deploy/kafka/tools-log4j2.properties");
    Map<String, Path> jars = kafkaJars();
    if (jars.isEmpty()) {
      if (imageId(KAFKA).isPresent()) {
        LOG.info("{} exists and its jars are not known here: using it as it is", KAFKA);
        return;
      }
      throw new IllegalStateException(
          KAFKA + " is missing and so are the Kafka jars: build it with scripts/images-services");
    }
    jars.forEach((name, path) -> inputs.put(KAFKA_JARS + "/" + name, path));
    ensure(KAFKA, jreId, inputs);
  }

  /** Jar name to file, sorted by name (the script's `LC_ALL=C sort` of the staged paths). */
  private Map<String, Path> kafkaJars() {
    Map<String, Path> jars = new TreeMap<>();
    Path staged = root.resolve(KAFKA_JARS);
    Path classpath = root.resolve(KAFKA_CLASSPATH);
    try {
      if (Files.isDirectory(staged)) {
        try (Stream<Path> files = Files.list(staged)) {
          files
              .filter(path -> path.getFileName().toString().endsWith(".jar"))
              .forEach(path -> jars.put(path.getFileName().toString(), path));
        }
      } else if (Files.isRegularFile(classpath)) {
        for (String entry : Files.readString(classpath).trim().split(":")) {
          Path jar = Path.of(entry);
          jars.put(jar.getFileName().toString(), jar);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return jars;
  }

  /** Builds IMAGE from its Dockerfile (the first input) unless it carries the inputs' hash. */
  private void ensure(String image, String parentId, Map<String, Path> inputs) {
    inputs.forEach(
        (name, path) -> {
          if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(
                path
                    + " does not exist: run the fleet test through the Maven reactor from the"
                    + " repository root (mvn verify), which packages the jars first");
          }
        });
    StringBuilder lines = new StringBuilder();
    inputs.values().forEach(path -> lines.append(sha256(path)).append('\n'));
    String hash = sha256(lines.append(parentId).append('\n').toString());
    String current = imageLabels(image).map(labels -> labels.get(HASH_LABEL)).orElse(null);
    if (hash.equals(current)) {
      LOG.info("{} is up to date", image);
      return;
    }
    build(image, inputs, JRE, hash, cmd -> {});
  }

  private void build(
      String image,
      Map<String, Path> inputs,
      String parent,
      String hash,
      Consumer<BuildImageCmd> options) {
    long started = System.nanoTime();
    ImageFromDockerfile build =
        new ImageFromDockerfile(image, false)
            .withDockerfilePath(inputs.keySet().iterator().next())
            .withBuildArg("BASE_IMAGE", parent)
            .withBuildImageCmdModifier(
                cmd -> {
                  cmd.withLabels(Map.of(HASH_LABEL, hash));
                  options.accept(cmd);
                });
    inputs.forEach(build::withFileFromPath);
    build.get();
    LOG.info("built {} in {} ms", image, (System.nanoTime() - started) / 1_000_000);
  }

  private Map<String, Path> fromRoot(String... paths) {
    Map<String, Path> inputs = new LinkedHashMap<>();
    for (String path : paths) {
      inputs.put(path, root.resolve(path));
    }
    return inputs;
  }

  private String require(String image, String howToMake) {
    return imageId(image)
        .orElseThrow(() -> new IllegalStateException(image + " is missing: " + howToMake));
  }

  private static String sha256(Path file) {
    MessageDigest digest = digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256(String text) {
    return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Optional<String> imageId(String image) {
    return inspect(image).map(InspectImageResponse::getId);
  }

  private Optional<Map<String, String>> imageLabels(String image) {
    return inspect(image)
        .map(response -> response.getConfig() == null ? null : response.getConfig().getLabels());
  }

  private Optional<InspectImageResponse> inspect(String image) {
    try {
      return Optional.of(docker.inspectImageCmd(image).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }
}
