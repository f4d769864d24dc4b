package dev.gozo.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The docker CLI, for checks a test makes from the outside (containers left behind). */
final class Docker {

  private Docker() {}

  static List<String> containersOwnedBy(String ownerId) {
    return lines("ps", "-aq", "--filter", "label=dev.gozo.owner=" + ownerId);
  }

  /** Removes every container whose dev.gozo.owner label starts with PREFIX. */
  static void removeContainersOfOwnersStartingWith(String prefix) {
    List<String> ids =
        lines(
                "ps",
                "-a",
                "--filter",
                "label=dev.gozo.owner",
                "--format",
                "{{.ID}} {{.Label \"dev.gozo.owner\"}}")
            .stream()
            .map(line -> line.split(" ", 2))
            .filter(parts -> parts.length == 2 && parts[1].startsWith(prefix))
            .map(parts -> parts[0])
            .toList();
    if (!ids.isEmpty()) {
      lines(Stream.concat(Stream.of("rm", "-f"), ids.stream()).toArray(String[]::new));
    }
  }

  private static List<String> lines(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "docker";
    System.arraycopy(args, 0, command, 1, args.length);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(30, TimeUnit.SECONDS);
      return Arrays.stream(out.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
