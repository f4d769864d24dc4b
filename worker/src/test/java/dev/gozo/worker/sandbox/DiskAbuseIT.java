package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Programs that fill or scribble on the filesystem. The root filesystem is read-only; the only
 * writable places are size-limited tmpfs mounts (/work 64 MiB, /tmp 32 MiB, /dev/shm 16 MiB) that
 * belong to one container and vanish with it.
 */
class DiskAbuseIT {

  private static SandboxHarness harness;

  @BeforeAll
  static void startSandbox() {
    harness = new SandboxHarness(1);
  }

  @AfterAll
  static void removeEverything() {
    harness.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/work, 64", "/tmp, 32", "/dev/shm, 16"})
  void shouldStopFillingAWritableDirectoryAtItsSizeLimit(String directory, int sizeMb) {
    // given: a program that writes until the filesystem says no, and reports what it saw
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import errno, os\n"
                    + "total = 0\n"
                    + "chunk = b'x' * (1024 * 1024)\n"
                    + "try:\n"
                    + "    with open('"
                    + directory
                    + "/fill', 'wb', buffering=0) as f:\n"
                    + "        while total < 200 * 1024 * 1024:\n"
                    + "            total += f.write(chunk)\n"
                    + "    print('no error', total)\n"
                    + "except OSError as e:\n"
                    + "    print(errno.errorcode[e.errno], total // (1024 * 1024))\n")
            .memoryMb(256)
            .wallMs(5000);

    // when
    Outcome outcome = job.run();

    // then: the program itself saw ENOSPC near the mount's size
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    String[] result = stdout(outcome).trim().split(" ");
    assertThat(result[0]).isEqualTo("ENOSPC");
    assertThat(Integer.parseInt(result[1])).isBetween(sizeMb - 8, sizeMb);
  }

  @Test
  void shouldRefuseWritesAnywhereOutsideTheWritableMounts() {
    // given
    List<String> places =
        List.of(
            "/",
            "/etc",
            "/usr",
            "/usr/local/bin",
            "/bin",
            "/var",
            "/var/tmp",
            "/home",
            "/opt",
            "/root",
            "/run",
            "/srv",
            "/proc",
            "/sys",
            "/sys/fs/cgroup",
            "/dev",
            "/lib");
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import errno, os, sys\n"
                    + "for d in sys.argv[1:]:\n"
                    + "    try:\n"
                    + "        with open(os.path.join(d, 'gozo-probe'), 'w') as f:\n"
                    + "            f.write('x')\n"
                    + "        print(d, 'WRITABLE')\n"
                    + "    except OSError as e:\n"
                    + "        print(d, errno.errorcode[e.errno])\n"
                    + "    try:\n"
                    + "        os.mkdir(os.path.join(d, 'gozo-dir'))\n"
                    + "        print(d, 'MKDIR')\n"
                    + "    except OSError as e:\n"
                    + "        pass\n")
            .args(places.toArray(String[]::new));

    // when
    Outcome outcome = job.run();

    // then: every attempt failed with read-only, permission or no-such-directory
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    List<String> lines = Arrays.asList(stdout(outcome).split("\n"));
    assertThat(lines).hasSize(places.size());
    assertThat(lines)
        .allSatisfy(line -> assertThat(line).matches("\\S+ (EROFS|EACCES|EPERM|ENOENT)"));
    assertThat(lines)
        .filteredOn(line -> line.startsWith("/etc ") || line.startsWith("/usr "))
        .allSatisfy(line -> assertThat(line).endsWith("EROFS"));
  }

  @Test
  void shouldNotCarryFilesIntoTheNextJob() {
    // given: a job that leaves files in every writable place it can find
    Outcome first =
        harness
            .job("bash")
            .file(
                "main.sh",
                "for d in /tmp /dev/shm /work /var/tmp \"$HOME\"; do\n"
                    + "  echo secret > \"$d/gozo-left\" 2>/dev/null && echo \"wrote $d\"\n"
                    + "done\n"
                    + "true\n")
            .run();

    // when: the next job of the same runtime looks for them
    Outcome second =
        harness
            .job("bash")
            .file(
                "main.sh",
                "ls -A /tmp /dev/shm /work /var/tmp 2>&1\n"
                    + "find / -xdev -name 'gozo-left*' 2>/dev/null\n"
                    + "find /tmp /dev/shm /work -name 'gozo-left*' 2>/dev/null\n"
                    + "echo end\n")
            .run();

    // then
    assertThat(stdout(first)).isEqualTo("wrote /tmp\nwrote /dev/shm\nwrote /work\nwrote /tmp\n");
    assertThat(second).as(second.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(second)).doesNotContain("gozo-left").endsWith("end\n");
  }
}
