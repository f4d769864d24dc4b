package dev.gozo.worker.sandbox.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seccomp profile the sandbox ships: an allowlist that refuses by default, never allows what
 * Docker's default profile only allows to privileged containers, and refuses some things Docker's
 * default allows (docs/security.md lists them). The ITs check the kernel's answers; this test pins
 * the file.
 */
class SeccompProfileTest {

  private static final JsonNode PROFILE = parse();

  private static JsonNode parse() {
    try {
      return new ObjectMapper().readTree(ContainerFactory.SECCOMP_PROFILE);
    } catch (Exception e) {
      throw new AssertionError("seccomp.json is not valid JSON", e);
    }
  }

  private static List<JsonNode> rulesFor(String syscall) {
    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode rule : PROFILE.get("syscalls")) {
      for (JsonNode name : rule.get("names")) {
        if (name.asText().equals(syscall)) {
          rules.add(rule);
        }
      }
    }
    return rules;
  }

  private static boolean allowedUnconditionally(String syscall) {
    return rulesFor(syscall).stream()
        .anyMatch(
            rule -> rule.get("action").asText().equals("SCMP_ACT_ALLOW") && !rule.has("args"));
  }

  @Test
  void shouldRefuseEverythingItDoesNotName() {
    assertThat(PROFILE.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(PROFILE.get("defaultErrnoRet").asInt()).isEqualTo(1);
  }

  @Test
  void shouldNeverAllowWhatDockerReservesForPrivilegedContainersOrThatWeRefuseOnTop() {
    List<String> refused =
        List.of(
            // Docker's default allows these only with a capability the sandbox never has
            "mount",
            "umount2",
            "pivot_root",
            "chroot",
            "unshare",
            "setns",
            "bpf",
            "perf_event_open",
            "kexec_load",
            "init_module",
            "finit_module",
            "delete_module",
            "reboot",
            "swapon",
            "acct",
            "open_by_handle_at",
            "lookup_dcookie",
            "quotactl",
            "fsopen",
            "fsmount",
            "move_mount",
            "open_tree",
            "syslog",
            "settimeofday",
            "clock_settime",
            "iopl",
            "ioperm",
            "kcmp",
            "pidfd_getfd",
            "process_madvise",
            "mbind",
            "set_mempolicy",
            "vhangup",
            "keyctl",
            "add_key",
            "request_key",
            "userfaultfd",
            // refused on top of Docker's default (see docs/security.md)
            "ptrace",
            "process_vm_readv",
            "process_vm_writev",
            "modify_ldt",
            "name_to_handle_at",
            "fanotify_mark",
            "remap_file_pages",
            "memfd_secret",
            "adjtimex",
            "clock_adjtime");
    for (String syscall : refused) {
      assertThat(rulesFor(syscall))
          .as(syscall)
          .allSatisfy(
              rule -> assertThat(rule.get("action").asText()).isNotEqualTo("SCMP_ACT_ALLOW"));
    }
  }

  @Test
  void shouldAllowCloneOnlyWithoutNamespaceFlags() {
    assertThat(allowedUnconditionally("clone")).isFalse();
    List<JsonNode> clone = rulesFor("clone");
    assertThat(clone).hasSize(1);
    JsonNode arg = clone.get(0).get("args").get(0);
    assertThat(arg.get("op").asText()).isEqualTo("SCMP_CMP_MASKED_EQ");
    assertThat(arg.get("value").asLong()).isEqualTo(0x7E020000L);
    assertThat(arg.get("valueTwo").asLong()).isZero();
    assertThat(rulesFor("clone3"))
        .singleElement()
        .satisfies(rule -> assertThat(rule.get("errnoRet").asInt()).isEqualTo(38));
  }

  @Test
  void shouldLimitSocketsToUnixInternetAndNetlink() {
    assertThat(allowedUnconditionally("socket")).isFalse();
    assertThat(rulesFor("socket"))
        .extracting(rule -> rule.get("args").get(0).get("value").asInt())
        .containsExactlyInAnyOrder(1, 2, 10, 16);
  }

  @Test
  void shouldAllowPersonalityOnlyToAsk() {
    assertThat(rulesFor("personality"))
        .singleElement()
        .satisfies(
            rule ->
                assertThat(rule.get("args").get(0).get("value").asLong()).isEqualTo(0xffffffffL));
  }

  @Test
  void shouldKnowOnlyThe64BitAbis() {
    for (JsonNode arch : PROFILE.get("archMap")) {
      assertThat(arch.get("architecture").asText()).isIn("SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64");
      assertThat(arch.get("subArchitectures")).isEmpty();
    }
  }

  @Test
  void shouldStillAllowWhatOrdinaryProgramsNeed() {
    for (String syscall :
        List.of(
            "read",
            "write",
            "openat",
            "mmap",
            "futex",
            "execve",
            "fork",
            "wait4",
            "exit_group",
            "rt_sigaction",
            "clock_nanosleep",
            "epoll_wait",
            "pipe2",
            "getrandom",
            "faccessat2",
            "statx",
            "rseq",
            "arch_prctl",
            "sched_getaffinity",
            "prlimit64",
            "kill")) {
      assertThat(allowedUnconditionally(syscall)).as(syscall).isTrue();
    }
  }
}
