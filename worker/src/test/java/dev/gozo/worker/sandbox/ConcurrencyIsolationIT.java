package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two jobs at the same time, one of them hostile to the other. Each has its own container, so its
 * own PID, network, IPC and mount namespaces, its own tmpfs and its own cgroup: the attacker can
 * neither see, signal, connect to nor read anything of its neighbour, nor use up its processes or
 * inflate its measured CPU time.
 */
class ConcurrencyIsolationIT {

  private static SandboxHarness harness;
  private static ExecutorService twoAtOnce;

  @BeforeAll
  static void startSandbox() {
    harness = new SandboxHarness(2);
    twoAtOnce = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void removeEverything() {
    twoAtOnce.shutdownNow();
    harness.close();
  }

  private static final String VICTIM =
      "import socket, time\n"
          + "start = time.time()\n"
          + "for place in ('/work', '/tmp', '/dev/shm'):\n"
          + "    open(place + '/victim-secret.txt', 'w').write('s3cret')\n"
          + "srv = socket.socket()\n"
          + "srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
          + "srv.bind(('127.0.0.1', 7777)); srv.listen(16); srv.settimeout(0.05)\n"
          + "accepted = 0\n"
          + "while time.time() < start + 3:\n"
          + "    try:\n"
          + "        conn, _ = srv.accept(); accepted += 1; conn.close()\n"
          + "    except socket.timeout:\n"
          + "        pass\n"
          + "print('victim', int(start * 1000), int(time.time() * 1000), accepted, open('/work/victim-secret.txt').read())\n";

  private static final String SPY =
      "import glob, os, signal, socket, time\n"
          + "start = time.time()\n"
          + "mine = {1, os.getpid(), os.getppid()}\n"
          + "seen, killed, connected, found = set(), 0, 0, 0\n"
          + "while time.time() < start + 2.5:\n"
          + "    for p in (int(p) for p in os.listdir('/proc') if p.isdigit()):\n"
          + "        if p in mine:\n"
          + "            continue\n"
          + "        seen.add(p)\n"
          + "        try:\n"
          + "            os.kill(p, signal.SIGKILL); killed += 1\n"
          + "        except OSError:\n"
          + "            pass\n"
          + "    s = socket.socket(); s.settimeout(0.2)\n"
          + "    try:\n"
          + "        s.connect(('127.0.0.1', 7777)); connected += 1\n"
          + "    except OSError:\n"
          + "        pass\n"
          + "    finally:\n"
          + "        s.close()\n"
          + "    found += len(glob.glob('/work/victim*') + glob.glob('/tmp/victim*') + glob.glob('/dev/shm/victim*')\n"
          + "                 + glob.glob('/proc/*/root/*/victim*'))\n"
          + "    time.sleep(0.05)\n"
          + "print('spy', int(start * 1000), int(time.time() * 1000), len(seen), killed, connected, found)\n";

  @Test
  void shouldNotLetOneJobSeeSignalConnectToOrReadItsNeighbour() {
    // given
    var victim = harness.job("python").file("main.py", VICTIM).wallMs(8000);
    var spy = harness.job("python").file("main.py", SPY).wallMs(8000);

    // when: both run at the same time
    CompletableFuture<Outcome> victimRun = CompletableFuture.supplyAsync(victim::run, twoAtOnce);
    CompletableFuture<Outcome> spyRun = CompletableFuture.supplyAsync(spy::run, twoAtOnce);
    Outcome victimOutcome = victimRun.join();
    Outcome spyOutcome = spyRun.join();

    // then: the victim was untouched and the spy found nothing
    assertThat(victimOutcome).as(victimOutcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(spyOutcome).as(spyOutcome.message()).isInstanceOf(Outcome.Succeeded.class);
    String[] v = stdout(victimOutcome).trim().split(" ");
    String[] s = stdout(spyOutcome).trim().split(" ");
    assertThat(v[3]).as("connections the victim accepted").isEqualTo("0");
    assertThat(v[4]).isEqualTo("s3cret");
    assertThat(s[3]).as("foreign processes seen").isEqualTo("0");
    assertThat(s[4]).as("processes killed").isEqualTo("0");
    assertThat(s[5]).as("connections made").isEqualTo("0");
    assertThat(s[6]).as("victim files found").isEqualTo("0");
    // and they really ran side by side
    long victimStart = Long.parseLong(v[1]);
    long victimEnd = Long.parseLong(v[2]);
    long spyStart = Long.parseLong(s[1]);
    long spyEnd = Long.parseLong(s[2]);
    assertThat(Math.min(victimEnd, spyEnd) - Math.max(victimStart, spyStart))
        .as("overlap in ms")
        .isGreaterThan(1000);
  }

  private static final String STEADY_WORKER =
      "import os, time\n"
          + "children = []\n"
          + "for _ in range(8):\n"
          + "    pid = os.fork()\n"
          + "    if pid == 0:\n"
          + "        time.sleep(0.2); os._exit(0)\n"
          + "    children.append(pid)\n"
          + "total = 0\n"
          + "for i in range(3_000_000):\n"
          + "    total += i\n"
          + "for pid in children:\n"
          + "    os.waitpid(pid, 0)\n"
          + "print('done', len(children), total)\n";

  @Test
  void shouldNotLetAForkBombNextDoorStarveOrInflateAnotherJob() {
    // given: how much CPU the steady job needs on its own
    Outcome alone = harness.job("python").file("main.py", STEADY_WORKER).processes(16).run();
    var bomb =
        harness
            .job("c")
            .file("main.c", "#include <unistd.h>\nint main(void) { for (;;) fork(); }\n")
            .processes(64)
            .wallMs(3000)
            .cpuMs(3000);
    var steady = harness.job("python").file("main.py", STEADY_WORKER).processes(16).wallMs(8000);

    // when: it runs again while a fork bomb burns next to it
    CompletableFuture<Outcome> bombRun = CompletableFuture.supplyAsync(bomb::run, twoAtOnce);
    CompletableFuture<Outcome> steadyRun = CompletableFuture.supplyAsync(steady::run, twoAtOnce);
    Outcome steadyOutcome = steadyRun.join();
    Outcome bombOutcome = bombRun.join();

    // then: its own processes were there for it, and only its own CPU time was counted
    assertThat(alone).as(alone.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(steadyOutcome).as(steadyOutcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(steadyOutcome)).isEqualTo("done 8 4499998500000\n");
    assertThat(steadyOutcome.run().cpuTimeMs()).isLessThan(alone.run().cpuTimeMs() * 3 / 2 + 200);
    assertThat(bombOutcome).as(bombOutcome.message()).isInstanceOf(Outcome.TimeLimitExceeded.class);
  }
}
