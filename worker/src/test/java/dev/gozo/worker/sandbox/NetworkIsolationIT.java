package dev.gozo.worker.sandbox;

import static dev.gozo.worker.sandbox.SandboxHarness.stdout;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox has its own network namespace with nothing but a loopback interface. Every probe here
 * stays inside that namespace: interfaces, routes, loopback ports and a name lookup that needs a
 * resolver. No test sends anything to a non-loopback address.
 */
class NetworkIsolationIT {

  /** Ports that listen on this host's loopback while the suite runs (Kafka, gateway, Docker...). */
  private static final String HOST_PORTS = "39092 9092 9093 8080 2375 2376 22 80 443";

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
  void shouldHaveOnlyTheLoopbackInterface() {
    // given
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import os\n"
                    + "print(sorted(os.listdir('/sys/class/net')))\n"
                    + "lines = open('/proc/net/dev').read().splitlines()[2:]\n"
                    + "print(sorted(l.split(':')[0].strip() for l in lines))\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome)).isEqualTo("['lo']\n['lo']\n");
  }

  @Test
  void shouldHaveNoRouteOutOfTheSandbox() {
    // given
    var job =
        harness
            .job("bash")
            .file(
                "main.sh",
                "echo \"ipv4 routes: $(tail -n +2 /proc/net/route | wc -l)\"\n"
                    + "echo \"ipv6 routes off loopback: $(grep -v ' lo$' /proc/net/ipv6_route 2>/dev/null | wc -l)\"\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome)).isEqualTo("ipv4 routes: 0\nipv6 routes off loopback: 0\n");
  }

  @Test
  void shouldRefuseConnectionsToTheHostsLoopbackServices() throws IOException {
    // given: a port that certainly listens on the host's 127.0.0.1 while the job runs, and the
    // usual service ports; none of them exists in the sandbox's own namespace
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String ports = listening.getLocalPort() + " " + HOST_PORTS;
      var job =
          harness
              .job("python")
              .file(
                  "main.py",
                  "import errno, socket, sys\n"
                      + "for port in map(int, sys.argv[1:]):\n"
                      + "    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
                      + "    s.settimeout(2)\n"
                      + "    try:\n"
                      + "        s.connect(('127.0.0.1', port))\n"
                      + "        print(port, 'CONNECTED')\n"
                      + "    except OSError as e:\n"
                      + "        print(port, errno.errorcode.get(e.errno, e))\n"
                      + "    finally:\n"
                      + "        s.close()\n")
              .args(ports.split(" "));

      // when
      Outcome outcome = job.run();

      // then
      assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
      assertThat(stdout(outcome).split("\n"))
          .hasSize(ports.split(" ").length)
          .allSatisfy(line -> assertThat(line).endsWith(" ECONNREFUSED"));
    }
  }

  @Test
  void shouldRefuseConnectionsFromJavaScriptToo() {
    // given
    var job =
        harness
            .job("javascript")
            .file(
                "main.js",
                "const net = require('net');\n"
                    + "const s = net.connect(39092, '127.0.0.1');\n"
                    + "s.on('connect', () => { console.log('CONNECTED'); s.destroy(); });\n"
                    + "s.on('error', e => console.log(e.code));\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome)).isEqualTo("ECONNREFUSED\n");
  }

  @Test
  void shouldFailToResolveNames() {
    // given
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import socket\n"
                    + "try:\n"
                    + "    print(socket.getaddrinfo('example.invalid', 80))\n"
                    + "except socket.gaierror as e:\n"
                    + "    print('gaierror')\n")
            .wallMs(8000);

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome)).isEqualTo("gaierror\n");
  }

  @Test
  void shouldRefuseRawAndPacketSockets() {
    // given: CAP_NET_RAW is dropped
    var job =
        harness
            .job("c")
            .file(
                "main.c",
                "#include <errno.h>\n#include <stdio.h>\n#include <string.h>\n"
                    + "#include <sys/socket.h>\n#include <netinet/in.h>\n#include <linux/if_ether.h>\n"
                    + "static void try(const char *name, int domain, int type, int proto) {\n"
                    + "  int fd = socket(domain, type, proto);\n"
                    + "  printf(\"%s %s\\n\", name, fd >= 0 ? \"OPENED\" : strerror(errno));\n"
                    + "}\n"
                    + "int main(void) {\n"
                    + "  try(\"raw-icmp\", AF_INET, SOCK_RAW, IPPROTO_ICMP);\n"
                    + "  try(\"raw-tcp\", AF_INET, SOCK_RAW, IPPROTO_TCP);\n"
                    + "  try(\"packet\", AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));\n"
                    + "  return 0;\n"
                    + "}\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(outcome).as(outcome.message()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(stdout(outcome).split("\n"))
        .hasSize(3)
        .allSatisfy(
            line -> assertThat(line).doesNotContain("OPENED").endsWith("Operation not permitted"));
  }

  @Test
  void shouldKeepLoopbackUsableInsideTheJob() {
    // given: a server and a client inside one job may still talk over 127.0.0.1
    var job =
        harness
            .job("python")
            .file(
                "main.py",
                "import socket\n"
                    + "srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)\n"
                    + "cli = socket.create_connection(srv.getsockname(), timeout=2)\n"
                    + "conn, _ = srv.accept(); cli.sendall(b'ping'); print(conn.recv(4).decode())\n");

    // when
    Outcome outcome = job.run();

    // then
    assertThat(stdout(outcome)).isEqualTo("ping\n");
  }
}
