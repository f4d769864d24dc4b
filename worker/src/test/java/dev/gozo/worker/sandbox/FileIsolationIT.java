package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker never reads from, follows links in, or writes to a job's directory on the host: the
 * files travel as a tar stream into the container's own tmpfs, and nothing comes back but the
 * output streams. Links a program makes point into the container's filesystem, not the host's.
 */
class FileIsolationIT {

  private static SandboxHarness harness;

  @BeforeAll
  static void startSandbox() {
    harness = new SandboxHarness(1);
  }

  @AfterAll
  static void removeEverything() {
    harness.close();
  }

  @Test
  void shouldNotTouchHostFilesThroughLinksMadeInTheSandbox() throws IOException {
    // given: a host file the program knows the path of, and the host's own /etc/passwd
    Path target = Files.createTempFile("gozo-link-target-", ".txt");
    Files.writeString(target, "original");
    Path passwd = Path.of("/etc/passwd");
    byte[] passwdBefore = Files.readAllBytes(passwd);
    FileTime passwdModified = Files.getLastModifiedTime(passwd);
    try {
      var job =
          harness
              .job("bash")
              .file(
                  "main.sh",
                  "cd /work\n"
                      + "ln -s /etc/passwd passwd; ln -s \"$1\" target; ln -s / root; ln /etc/hostname hard 2>/dev/null\n"
                      + "echo 'evil:x:0:0::/:/bin/sh' >> passwd 2>/dev/null && echo PASSWD-WRITTEN || echo passwd refused\n"
                      + "echo changed > target 2>/dev/null && echo \"target written in the sandbox: $(cat \"$1\")\" || echo target refused\n"
                      + "grep -c '^sandbox:x:10001:' passwd\n")
              .args(target.toString());

      // when
      Outcome outcome = job.run();

      // then: inside, the links reached the container's files; outside, nothing changed
      assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
      assertThat(stdout(outcome))
          .isEqualTo("passwd refused\ntarget written in the sandbox: changed\n1\n");
      assertThat(Files.readString(target)).isEqualTo("original");
      assertThat(Files.readAllBytes(passwd)).isEqualTo(passwdBefore);
      assertThat(Files.getLastModifiedTime(passwd)).isEqualTo(passwdModified);
    } finally {
      Files.deleteIfExists(target);
    }
  }

  @Test
  void shouldRefuseToUnpackAParentDirectoryNameEvenWithoutValidation() {
    // given: a name the validator would refuse, handed straight to the sandbox
    String tag = UUID.randomUUID().toString().substring(0, 8);
    var job =
        harness
            .job("bash")
            .file("main.sh", "echo ran\n")
            .file("../../tmp/gozo-escape-" + tag, "up".getBytes(StandardCharsets.UTF_8));

    // when
    Outcome outcome = job.run();

    // then: tar in the sandbox refuses the member, so the program never starts
    assertThat(outcome).isInstanceOf(Outcome.InternalError.class);
    assertThat(outcome.message()).contains("Member name contains '..'");
    assertThat(Path.of("/tmp", "gozo-escape-" + tag)).doesNotExist();
  }

  @Test
  void shouldKeepAnAbsoluteNameInsideTheSandboxEvenWithoutValidation() {
    // given
    String tag = UUID.randomUUID().toString().substring(0, 8);
    var job =
        harness
            .job("bash")
            .file(
                "main.sh",
                "find / -xdev -name 'gozo-escape-*' 2>/dev/null\nfind /work /tmp -name 'gozo-escape-*'\n")
            .file("/tmp/gozo-escape-" + tag, "absolute".getBytes(StandardCharsets.UTF_8));

    // when
    Outcome outcome = job.run();

    // then: tar strips the leading "/", so the file lands under /work in the container
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).isEqualTo("/work/tmp/gozo-escape-" + tag + "\n");
    assertThat(Path.of("/tmp", "gozo-escape-" + tag)).doesNotExist();
  }
}
