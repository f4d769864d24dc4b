package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gozo.worker.sandbox.recycling.RecyclePolicy;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recycling mode (opt-in per tenant): one container serves several jobs of one tenant and runtime,
 * and nothing of a job survives into the next: no process, no file in any writable place, no System
 * V IPC object. Jobs of other tenants, jobs that hit a limit and tenants that did not opt in never
 * share a container. The container's hostname (its short id) tells which one ran a job.
 */
class RecyclingIT {

  // One tenant per test, so that each test's shelf holds only the containers it made.
  private static final String SCRUBBED = "tenant-scrubbed";
  private static final String ISOLATED = "tenant-isolated";
  private static final String NEIGHBOUR = "tenant-neighbour";
  private static final String LIMITED = "tenant-limited";
  private static final String MEASURED = "tenant-measured";
  private static final String HOSTNAME = "import socket\nprint(socket.gethostname())\n";

  private static SandboxHarness harness;

  @BeforeAll
  static void startSandbox() {
    harness =
        new SandboxHarness(
            1,
            new RecyclePolicy(
                Set.of(SCRUBBED, ISOLATED, NEIGHBOUR, LIMITED, MEASURED),
                50,
                Duration.ofSeconds(30),
                Duration.ofSeconds(2)));
  }

  @AfterAll
  static void removeEverything() {
    harness.close();
  }

  @Test
  void shouldRunTheNextJobInTheSameContainerWithNothingOfThePreviousJobLeft() {
    // given: a job that leaves everything it can behind: detached processes, files in every
    // writable place (one in a directory it made unreadable), a System V shared memory segment
    var messy =
        harness
            .job("python")
            .tenant(SCRUBBED)
            .file(
                "main.py",
                "import os, socket\n"
                    + "os.system('''\n"
                    + "setsid sh -c 'while :; do sleep 1; done' > /dev/null 2>&1 < /dev/null &\n"
                    + "nohup sleep 1000 > /dev/null 2>&1 &\n"
                    + "(trap '' TERM HUP; exec sleep 1001) > /dev/null 2>&1 &\n"
                    + "echo secret > /work/secret.txt\n"
                    + "echo secret > /tmp/secret.txt\n"
                    + "echo secret > /dev/shm/secret.txt\n"
                    + "mkdir -p /work/locked/inner && echo x > /work/locked/inner/f"
                    + " && chmod 000 /work/locked/inner /work/locked\n"
                    + "ipcmk -M 4096 > /dev/null\n"
                    + "''')\n"
                    + "print(socket.gethostname())\n")
            .wallMs(5000);
    Outcome first = messy.run();
    assertThat(first).as(first.message()).isInstanceOf(Outcome.Succeeded.class);
    String container = stdout(first).trim();

    // when: the same tenant's next job looks around
    var inspector =
        harness
            .job("python")
            .tenant(SCRUBBED)
            .file(
                "main.py",
                "import os, socket\n"
                    + "print(socket.gethostname())\n"
                    + "mine = {os.getpid(), os.getppid()}\n"
                    + "others = []\n"
                    + "for pid in filter(str.isdigit, os.listdir('/proc')):\n"
                    + "    if int(pid) == 1 or int(pid) in mine:\n"
                    + "        continue\n"
                    + "    try:\n"
                    + "        others.append(open('/proc/%s/cmdline' % pid, 'rb').read()"
                    + ".replace(b'\\0', b' ').decode().strip())\n"
                    + "    except OSError:\n"
                    + "        pass\n"
                    + "print('processes:', others)\n"
                    + "for d in ['/work', '/tmp', '/dev/shm', '/dev/mqueue']:\n"
                    + "    print(d, sorted(os.listdir(d)))\n"
                    + "print('shm', len(open('/proc/sysvipc/shm').read().splitlines()) - 1)\n")
            .wallMs(5000);
    Outcome second = awaitRecycledRun(inspector, container);

    // then: same container, and only what the launcher made for this job is there
    String[] lines = stdout(second).split("\n");
    assertThat(lines[0]).as("container of the second job").isEqualTo(container);
    assertThat(lines[1]).as("processes besides init and the job").isEqualTo("processes: []");
    assertThat(lines[2]).isEqualTo("/work ['main.py']");
    assertThat(lines[3]).isEqualTo("/tmp ['.gozo-stdin']");
    assertThat(lines[4]).isEqualTo("/dev/shm []");
    assertThat(lines[5]).isEqualTo("/dev/mqueue []");
    assertThat(lines[6]).as("System V shared memory segments").isEqualTo("shm 0");
  }

  @Test
  void shouldNeverLetAnotherTenantUseTheContainer() {
    // given: a container that served a recycling tenant
    Outcome first = harness.job("python").tenant(ISOLATED).file("main.py", HOSTNAME).run();
    String container = stdout(first).trim();
    awaitRecycledRun(harness.job("python").tenant(ISOLATED).file("main.py", HOSTNAME), container);

    // when: another recycling tenant and a tenant that did not opt in run jobs
    String other = stdout(harness.job("python").tenant(NEIGHBOUR).file("main.py", HOSTNAME).run());
    String plain =
        stdout(harness.job("python").tenant("not-opted-in").file("main.py", HOSTNAME).run());

    // then
    assertThat(other.trim()).isNotEqualTo(container);
    assertThat(plain.trim()).isNotEqualTo(container);
  }

  @Test
  void shouldGiveEveryJobOfATenantThatDidNotOptInAFreshContainer() {
    // given
    String first =
        stdout(harness.job("python").tenant("plain-tenant").file("main.py", HOSTNAME).run());

    // when
    String second =
        stdout(harness.job("python").tenant("plain-tenant").file("main.py", HOSTNAME).run());

    // then
    assertThat(second.trim()).isNotEqualTo(first.trim());
  }

  @Test
  void shouldRetireAContainerWhoseJobHitALimit() {
    // given: a recycling tenant's job that runs out of wall time after printing its container
    Outcome limited =
        harness
            .job("python")
            .tenant(LIMITED)
            .file("main.py", HOSTNAME + "import sys, time\nsys.stdout.flush()\ntime.sleep(60)\n")
            .wallMs(1000)
            .run();
    assertThat(limited).isInstanceOf(Outcome.TimeLimitExceeded.class);
    String container = stdout(limited).trim();

    // when: the tenant's next jobs run
    String next = stdout(harness.job("python").tenant(LIMITED).file("main.py", HOSTNAME).run());

    // then
    assertThat(next.trim()).isNotEqualTo(container);
    await("the limited job's container removed")
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                harness.containersOfThisTest().stream()
                    .noneMatch(c -> c.getId().startsWith(container)));
  }

  @Test
  void shouldMeasureEachRecycledJobsMemoryOnItsOwn() {
    // given: a container whose first job used ~200 MiB
    Outcome big =
        harness
            .job("python")
            .tenant(MEASURED)
            .file("main.py", HOSTNAME + "x = b'x' * (200 * 1024 * 1024)\n")
            .memoryMb(512)
            .run();
    assertThat(big).as(big.message()).isInstanceOf(Outcome.Succeeded.class);
    String container = stdout(big).trim();
    assertThat(big.run().memoryBytes()).isGreaterThan(150L * 1024 * 1024);

    // when: its next job allocates next to nothing
    Outcome small =
        awaitRecycledRun(
            harness.job("python").tenant(MEASURED).file("main.py", HOSTNAME), container);

    // then: the small job's peak is its own
    assertThat(small.run().memoryBytes()).isLessThan(100L * 1024 * 1024);
  }

  /**
   * Runs the job once the previous one's container is scrubbed and shelved (the launcher reports it
   * clean a few milliseconds after the result; the worker allows 2 s) and checks that it ran in
   * that container. Without the wait, a job arriving during the scrub takes a warm container
   * instead, by design (DockerSandbox#reusableContainer).
   */
  private static Outcome awaitRecycledRun(SandboxHarness.JobBuilder job, String container) {
    SandboxJob next = job.build();
    await("a scrubbed container of tenant " + next.tenant())
        .atMost(Duration.ofSeconds(5))
        .until(() -> harness.sandbox.recycledIdle(next.tenant(), next.runtime()) > 0);
    Outcome outcome = harness.sandbox.run(next);
    assertThat(stdout(outcome)).as("output of the recycled job: %s", outcome).startsWith(container);
    return outcome;
  }
}
