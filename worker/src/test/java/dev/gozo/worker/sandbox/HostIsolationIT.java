package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a program can learn about, or do to, the host and the worker: nothing of the worker's
 * environment, no Docker socket, no host files or processes, no privilege (uid 10001, no
 * capabilities, no-new-privileges, no setuid binaries), and a seccomp filter that refuses the
 * kernel interfaces a sandboxed program has no business with.
 */
class HostIsolationIT {

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
  void shouldRunAsTheUnprivilegedSandboxUser() {
    // given
    var job = harness.job("bash").file("main.sh", "id\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome))
        .isEqualTo("uid=10001(sandbox) gid=10001(sandbox) groups=10001(sandbox)\n");
  }

  @Test
  void shouldHoldNoCapabilitiesAndNoWayToGainAny() {
    // given
    var job =
        harness
            .job("bash")
            .file(
                "main.sh",
                "grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' /proc/self/status\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome).replaceAll("[ \\t]+", " "))
        .isEqualTo(
            "CapInh: 0000000000000000\nCapPrm: 0000000000000000\nCapEff: 0000000000000000\n"
                + "CapBnd: 0000000000000000\nCapAmb: 0000000000000000\nNoNewPrivs: 1\nSeccomp: 2\n");
  }

  @Test
  void shouldHaveNoSetuidOrSetgidBinaries() {
    // given
    var job =
        harness
            .job("bash")
            .file("main.sh", "find / -xdev -perm /6000 -type f 2>/dev/null\necho end\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome)).isEqualTo("end\n");
  }

  @Test
  void shouldSeeOnlyTheSandboxsOwnSmallEnvironment() {
    // given: the worker's own variables (GOZO_*, KAFKA*, DOCKER*...) must not leak in
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import os\n"
                    + "print(sorted(os.environ))\n"
                    + "init = open('/proc/1/environ', 'rb').read().split(b'\\0')\n"
                    + "print(sorted(v.split(b'=')[0].decode() for v in init if v))\n"
                    + "print(os.environ['HOME'], os.environ['TMPDIR'], os.environ['PATH'])\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome))
        .isEqualTo(
            "['HOME', 'HOSTNAME', 'LANG', 'PATH', 'PWD', 'PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING', 'TMPDIR']\n"
                + "['HOME', 'HOSTNAME', 'LANG', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING', 'TMPDIR']\n"
                + "/tmp /tmp /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
  }

  @Test
  void shouldNotExposeTheDockerSocketOrAnyOtherSocketFile() {
    // given
    var job =
        harness
            .job("bash")
            .file(
                "main.sh",
                "for s in /var/run/docker.sock /run/docker.sock /run/containerd/containerd.sock /var/run/docker; do\n"
                    + "  [ -e \"$s\" ] && echo \"FOUND $s\"\n"
                    + "done\n"
                    + "find / \\( -path /proc -o -path /sys \\) -prune -o -type s -print 2>/dev/null\n"
                    + "echo end\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome)).isEqualTo("end\n");
  }

  @Test
  void shouldNotSeeTheHostsFiles() throws IOException {
    // given: a file only the host has
    Path marker = Files.createTempFile("gozo-host-marker-", ".txt");
    try {
      var job =
          harness
              .job("bash")
              .file(
                  "main.sh",
                  "for f in \"$@\"; do [ -e \"$f\" ] && echo \"VISIBLE $f\"; done\necho end\n")
              .args(
                  marker.toString(),
                  Path.of("pom.xml").toAbsolutePath().toString(),
                  "/var/lib/docker",
                  "/etc/docker");

      // when
      Outcome outcome = job.run();

      // then
      assertThat(Files.exists(marker)).isTrue();
      assertThat(stdout(outcome)).isEqualTo("end\n");
    } finally {
      Files.deleteIfExists(marker);
    }
  }

  @Test
  void shouldSeeOnlyItsOwnProcesses() {
    // given
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import os\n"
                    + "for p in sorted(int(p) for p in os.listdir('/proc') if p.isdigit()):\n"
                    + "    role = 'self' if p == os.getpid() else 'parent' if p == os.getppid() else 'other'\n"
                    + "    print(p, open('/proc/%d/comm' % p).read().strip(), role)\n");

    // when
    Outcome outcome = job.run();

    // then: the container's init, the launcher that started the program, and the program
    List<String> lines = Arrays.asList(stdout(outcome).split("\n"));
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("1 docker-init other");
    assertThat(lines.subList(1, 3)).anySatisfy(line -> assertThat(line).endsWith(" python3 self"));
    assertThat(lines.subList(1, 3)).anySatisfy(line -> assertThat(line).endsWith(" parent"));
  }

  @Test
  void shouldNotLetTheProgramReadTheLaunchersMemory() {
    // given: the launcher's memory holds the nonce that authenticates its markers
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import os\n"
                    + "parent = os.getppid()\n"
                    + "for name in ('mem', 'environ', 'maps'):\n"
                    + "    try:\n"
                    + "        with open('/proc/%d/%s' % (parent, name), 'rb') as f:\n"
                    + "            f.read(1)\n"
                    + "        print(name, 'READABLE')\n"
                    + "    except OSError as e:\n"
                    + "        print(name, type(e).__name__)\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome))
        .isEqualTo("mem PermissionError\nenviron PermissionError\nmaps PermissionError\n");
  }

  @Test
  void shouldShrugOffSigkillAndSigstopSentToInit() {
    // given
    var job =
        harness
            .job("bash")
            .file("main.sh", "kill -9 1\nkill -STOP 1\nsleep 0.3\necho alive\n")
            .wallMs(3000);

    // when
    Outcome outcome = job.run();

    // then: the kernel ignores them for a namespace's init
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).isEqualTo("alive\n");
  }

  @Test
  void shouldEndTheJobWhenTheProgramKillsEverythingItCan() {
    // given: kill(-1) reaches every process of the same user in the sandbox, the launcher too
    var job =
        harness.job("bash").file("main.sh", "kill -9 -1\nsleep 30\necho survived\n").wallMs(20_000);

    // when
    Outcome outcome = job.run();

    // then: the sandbox falls apart at once and says so; nothing outside it was reachable
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(outcome.run().signal()).isEqualTo(9);
    assertThat(outcome.run().wallTimeMs()).isLessThan(5000);
    assertThat(stdout(outcome)).isEmpty();
  }

  @Test
  void shouldEndAtTheWallLimitWhenTheProgramFreezesTheLauncher() {
    // given: the launcher cannot report the exit while it is stopped
    var job = harness.job("bash").file("main.sh", "kill -STOP $PPID\necho bye\n").wallMs(2000);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.TimeLimitExceeded.class);
    assertThat(outcome.run().limitHit()).isEqualTo(StepReport.LimitHit.WALL_TIME);
    assertThat(stdout(outcome)).isEqualTo("bye\n");
  }

  @Test
  void shouldReportATerminationAskedOfInitAsTheProgramsOwnSignal() {
    // given: the init forwards catchable signals to the program
    var job =
        harness.job("bash").file("main.sh", "kill -TERM 1\nsleep 5\necho survived\n").wallMs(3000);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(outcome.run().signal()).isEqualTo(15);
    assertThat(stdout(outcome)).isEmpty();
  }

  @Test
  void shouldRefuseToTraceAnyProcess() {
    // given: tracing even its own child is refused (Docker's default profile would allow that)
    var job =
        harness
            .job("c")
            .file(
                "main.c",
                "#define _GNU_SOURCE\n"
                    + "#include <errno.h>\n#include <signal.h>\n#include <stdio.h>\n#include <string.h>\n"
                    + "#include <sys/ptrace.h>\n#include <sys/uio.h>\n#include <unistd.h>\n"
                    + "int main(void) {\n"
                    + "  static char secret[] = \"child secret\";\n"
                    + "  pid_t child = fork();\n"
                    + "  if (child == 0) { pause(); _exit(0); }\n"
                    + "  long r = ptrace(PTRACE_ATTACH, child, 0, 0);\n"
                    + "  printf(\"attach-child %s\\n\", r == 0 ? \"ATTACHED\" : strerror(errno));\n"
                    + "  r = ptrace(PTRACE_ATTACH, 1, 0, 0);\n"
                    + "  printf(\"attach-init %s\\n\", r == 0 ? \"ATTACHED\" : strerror(errno));\n"
                    + "  r = ptrace(PTRACE_SEIZE, child, 0, 0);\n"
                    + "  printf(\"seize-child %s\\n\", r == 0 ? \"ATTACHED\" : strerror(errno));\n"
                    + "  char buf[16] = {0}; struct iovec local = {buf, sizeof buf}, remote = {secret, sizeof secret};\n"
                    + "  ssize_t n = process_vm_readv(child, &local, 1, &remote, 1, 0);\n"
                    + "  printf(\"vm-read %s\\n\", n > 0 ? \"READ\" : strerror(errno));\n"
                    + "  kill(child, SIGKILL);\n"
                    + "  return 0;\n"
                    + "}\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome))
        .isEqualTo(
            "attach-child Operation not permitted\nattach-init Operation not permitted\n"
                + "seize-child Operation not permitted\nvm-read Operation not permitted\n");
  }

  @Test
  void shouldRefuseMountsAndNewNamespaces() {
    // given
    var job =
        harness
            .job("bash")
            .file(
                "main.sh",
                "mkdir -p /tmp/m\n"
                    + "mount -t tmpfs none /tmp/m > /dev/null 2>&1 && echo MOUNTED || echo mount refused\n"
                    + "unshare --user --map-root-user true > /dev/null 2>&1 && echo USERNS || echo userns refused\n"
                    + "unshare --mount true > /dev/null 2>&1 && echo MOUNTNS || echo mountns refused\n"
                    + "unshare --net true > /dev/null 2>&1 && echo NETNS || echo netns refused\n"
                    + "chroot / true > /dev/null 2>&1 && echo CHROOT || echo chroot refused\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome))
        .isEqualTo(
            "mount refused\nuserns refused\nmountns refused\nnetns refused\nchroot refused\n");
  }

  @Test
  void shouldRefuseRiskyKernelInterfaces() {
    // given: system calls a program never needs and kernel exploits often do
    var job =
        harness
            .job("c")
            .file(
                "main.c",
                "#define _GNU_SOURCE\n"
                    + "#include <errno.h>\n#include <sched.h>\n#include <stdio.h>\n#include <string.h>\n"
                    + "#include <sys/syscall.h>\n#include <unistd.h>\n#include <linux/keyctl.h>\n"
                    + "#include <sys/personality.h>\n"
                    + "static void report(const char *name, long r) {\n"
                    + "  printf(\"%s %s\\n\", name, r >= 0 ? \"ALLOWED\" : (errno == EPERM || errno == ENOSYS) ? \"refused\" : strerror(errno));\n"
                    + "}\n"
                    + "int main(void) {\n"
                    + "  report(\"keyctl\", syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0));\n"
                    + "  report(\"add_key\", syscall(SYS_add_key, \"user\", \"k\", \"v\", 1, KEY_SPEC_PROCESS_KEYRING));\n"
                    + "  report(\"userfaultfd\", syscall(SYS_userfaultfd, 0));\n"
                    + "  report(\"personality\", syscall(SYS_personality, ADDR_NO_RANDOMIZE));\n"
                    + "  report(\"io_uring_setup\", syscall(SYS_io_uring_setup, 8, (void *) 0));\n"
                    + "  report(\"bpf\", syscall(SYS_bpf, 0, (void *) 0, 0));\n"
                    + "  report(\"perf_event_open\", syscall(SYS_perf_event_open, (void *) 0, 0, -1, -1, 0));\n"
                    + "  report(\"unshare-user\", syscall(SYS_unshare, CLONE_NEWUSER));\n"
                    + "  report(\"clone-newns\", syscall(SYS_clone, CLONE_NEWNS | CLONE_NEWUSER, 0, 0, 0, 0));\n"
                    + "  report(\"setns\", syscall(SYS_setns, 0, 0));\n"
                    + "  report(\"mount\", syscall(SYS_mount, \"none\", \"/tmp\", \"tmpfs\", 0, 0));\n"
                    + "  return 0;\n"
                    + "}\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome).split("\n"))
        .hasSize(11)
        .allSatisfy(line -> assertThat(line).endsWith(" refused"));
  }

  @Test
  void shouldRefuse32BitSystemCalls() {
    // given: the i386 entry point (int 0x80) is a second, rarely audited syscall table
    var job =
        harness
            .job("c")
            .file(
                "main.c",
                "#include <stdio.h>\n#include <unistd.h>\n"
                    + "int main(void) {\n"
                    + "  long ret;\n"
                    + "  __asm__ volatile (\"int $0x80\" : \"=a\"(ret) : \"a\"(20L) : \"memory\");\n" // i386 getpid
                    + "  printf(\"%s\\n\", ret == (long) getpid() ? \"ALLOWED\" : \"refused\");\n"
                    + "  return 0;\n"
                    + "}\n");

    // when
    Outcome outcome = job.run();

    // then: the call never runs. Where the kernel has the i386 entry point, the seccomp filter
    // (64-bit ABI only) kills the process with SIGSYS; a kernel built or booted without IA32
    // emulation (ia32_emulation=0, as on some CI hosts: int 0x80 segfaults on the host itself)
    // answers SIGSEGV before seccomp is asked. Either way nothing is printed.
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.RuntimeError.class);
    assertThat(outcome.run().signal()).as(outcome.message()).isIn(31, 11);
    assertThat(stdout(outcome)).isEmpty();
  }

  @Test
  void shouldNotRaiseResourceLimitsAboveTheirHardLimits() {
    // given
    var job =
        harness
            .job("bash")
            .file(
                "main.sh",
                "echo \"nofile $(ulimit -Hn) core $(ulimit -Hc)\"\n"
                    + "(ulimit -n 4096) 2>/dev/null && echo NOFILE-RAISED || echo nofile refused\n"
                    + "(ulimit -c 1) 2>/dev/null && echo CORE-RAISED || echo core refused\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome)).isEqualTo("nofile 1024 core 0\nnofile refused\ncore refused\n");
  }

  @Test
  void shouldNotChangeKernelSettings() {
    // given
    var job =
        harness
            .job("bash")
            .file(
                "main.sh",
                "for f in /proc/sys/kernel/hostname /proc/sys/vm/drop_caches /proc/sysrq-trigger /sys/kernel/mm/transparent_hugepage/enabled; do\n"
                    + "  (echo 1 > \"$f\") 2>/dev/null && echo \"WROTE $f\" || echo refused\n"
                    + "done\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome)).isEqualTo("refused\nrefused\nrefused\nrefused\n");
  }
}
