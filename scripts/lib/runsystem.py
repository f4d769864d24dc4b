"""A GozoLite system started with ./scripts/run, for the scripts that test it as a whole
(scripts/tests/run-supervisor, scripts/soak): start it isolated from anything else on the
machine, talk to its gateways, find its processes and sandboxes, stop it and check that
nothing is left.

Isolation: its own state directory (pid files, logs, the broker's data), free ports for the
gateways, the broker and the workers' health endpoints, and a worker-id prefix of its own
(the prefix labels the sandboxes on the engine, which other systems and test suites share).
Everything here talks to 127.0.0.1 only.
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FINAL = {"SUCCEEDED", "RUNTIME_ERROR", "COMPILE_ERROR", "TIME_LIMIT_EXCEEDED",
         "MEMORY_LIMIT_EXCEEDED", "OUTPUT_LIMIT_EXCEEDED", "REJECTED", "INTERNAL_ERROR"}
OWNER_LABEL = "dev.gozo.owner"


def say(message):
    print(f"==> {time.strftime('%H:%M:%S')} {message}", flush=True)


def free_ports(count, consecutive=False):
    """COUNT ports nothing listens on now (consecutive ones when asked): the kernel's choice for
    a socket bound to port 0, checked by binding each again."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        ports = list(range(first, first + count)) if consecutive else [first]
        if not consecutive:
            while len(ports) < count:
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", 0))
                    if probe.getsockname()[1] not in ports:
                        ports.append(probe.getsockname()[1])
        if all(port_free(port) for port in ports) and max(ports) < 65536:
            return ports
    raise RuntimeError("no free ports on 127.0.0.1")


def port_free(port):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def alive(pid):
    """The process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def docker(*args, check=True):
    docker_cli = "/usr/bin/docker" if os.path.exists("/usr/bin/docker") else "docker"
    done = subprocess.run([docker_cli, *args], capture_output=True, text=True, timeout=60)
    if check and done.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def containers_of(owner, role=None):
    """Ids of the containers (any state) labelled as OWNER's, of ROLE when given."""
    args = ["ps", "-aq", "--no-trunc", "--filter", f"label={OWNER_LABEL}={owner}"]
    if role:
        args += ["--filter", f"label=dev.gozo.role={role}"]
    return set(docker(*args).split())


class Api:
    """The HTTP API of one gateway; each thread has its own keep-alive connection."""

    def __init__(self, port, key):
        self.port = port
        self.key = key
        self.local = threading.local()

    def request(self, method, path, body=None, headers=None, timeout=40):
        all_headers = {"Authorization": "Bearer " + self.key}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        all_headers.update(headers or {})
        connections = self.local.__dict__.setdefault("connections", {})
        for retry in (True, False):
            connection = connections.get(timeout)
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
                connections[timeout] = connection
            try:
                connection.request(method, path, body, all_headers)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connections.pop(timeout, None)
                # A keep-alive connection the server closed meanwhile: once more on a new one.
                if retry and method == "GET":
                    continue
                raise
            try:
                parsed = json.loads(data) if data else {}
            except ValueError:
                parsed = {"raw": data[:200].decode(errors="replace")}
            return response.status, parsed, dict(response.getheaders())
        raise AssertionError("unreachable")

    def submit(self, job, idempotency_key=None, timeout=40):
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.request("POST", "/v1/executions", job, headers, timeout)

    def result(self, job_id, timeout_ms=20000):
        """GET ?wait=true: (status, body)."""
        status, body, _ = self.request(
            "GET", f"/v1/executions/{job_id}?wait=true&timeoutMs={timeout_ms}",
            timeout=timeout_ms / 1000 + 20)
        return status, body

    def health(self):
        try:
            return self.request("GET", "/health", timeout=5)[0]
        except (OSError, http.client.HTTPException):
            return None


def await_final(api_for, job_id, deadline):
    """Reads JOB_ID through the gateways API_FOR(attempt) gives until it has a final status or
    DEADLINE (a time.monotonic() value, or a function giving one: it may move) passes. Returns
    (body or None, last problem)."""
    attempt, problem = 0, "no answer"
    due = deadline if callable(deadline) else (lambda: deadline)
    while time.monotonic() < due():
        api = api_for(attempt)
        attempt += 1
        remaining = int(max(1, min(20, due() - time.monotonic())) * 1000)
        try:
            status, body = api.result(job_id, remaining)
        except (OSError, http.client.HTTPException) as error:
            problem = f"GET failed: {error}"
            time.sleep(1)
            continue
        if status == 200 and body.get("status") in FINAL:
            return body, None
        if status in (200, 202):
            problem = f"still {body.get('status')}"
            continue
        problem = f"HTTP {status}: {str(body)[:160]}"
        time.sleep(1)
    return None, problem


class RunSystem:
    """./scripts/run (or GOZO_RUN_SCRIPT) started in the background with its own state dir,
    ports and worker ids."""

    def __init__(self, name, workers=1, gateways=1, extra_env=None):
        self.name = name
        self.workers = [f"{name}-{n}" for n in range(1, workers + 1)]
        self.state = Path(tempfile.mkdtemp(prefix=f"gozo-{name}-"))
        http_ports = free_ports(gateways, consecutive=True)
        kafka, controller = free_ports(2)
        self.health_ports = free_ports(workers, consecutive=True)
        self.key = os.urandom(16).hex()
        self.gateway_names = ["gateway"] + [f"gateway-{n}" for n in range(2, gateways + 1)]
        self.apis = [Api(port, self.key) for port in http_ports]
        self.kafka_port = kafka
        self.script = os.environ.get("GOZO_RUN_SCRIPT", str(ROOT / "scripts" / "run"))
        self.env = dict(os.environ)
        self.env.update({
            "GOZO_STATE_DIR": str(self.state),
            "GOZO_HTTP_PORT": str(http_ports[0]),
            "GOZO_GATEWAYS": str(gateways),
            "GOZO_WORKERS": str(workers),
            "GOZO_WORKER_PREFIX": name,
            "GOZO_WORKER_HEALTH_PORT_BASE": str(self.health_ports[0]),
            "GOZO_KAFKA_PORT": str(kafka),
            "GOZO_KAFKA_CONTROLLER_PORT": str(controller),
            "GOZO_API_KEYS": f"{name}:{self.key}",
        })
        # Another broker's address from the caller's environment would mix two systems.
        self.env.pop("GOZO_KAFKA_BOOTSTRAP", None)
        self.env.update(extra_env or {})
        self.output = self.state / "run.out"
        self.process = None
        self.seen_pids = set()

    def start(self, timeout_s):
        say(f"{self.name}: starting {os.path.relpath(self.script, ROOT)} (state {self.state},"
            f" gateways on {[api.port for api in self.apis]}, broker on {self.kafka_port},"
            f" health ports {self.health_ports})")
        with open(self.output, "wb") as out:
            self.process = subprocess.Popen(
                [self.script], cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while "GozoLite is up" not in self.text():
            if self.process.poll() is not None:
                raise RuntimeError(f"scripts/run exited with {self.process.returncode} before the"
                                   f" system was up:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the system was not up within {timeout_s}s:\n{self.tail()}")
            time.sleep(1)
        self.remember_pids()
        say(f"{self.name}: up")

    def text(self):
        try:
            return self.output.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines=40):
        return "\n".join("    " + line for line in self.text().splitlines()[-lines:])

    def log(self, name):
        path = self.state / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def pid_of(self, name):
        """The live pid in NAME's pid file, or None."""
        try:
            pid = int((self.state / "run" / f"{name}.pid").read_text().strip())
        except (OSError, ValueError):
            return None
        if alive(pid):
            self.seen_pids.add(pid)
            return pid
        return None

    def remember_pids(self):
        for name in self.workers + self.gateway_names + ["kafka"]:
            self.pid_of(name)

    def running(self):
        return self.process is not None and self.process.poll() is None

    def supervisor_lines(self):
        return [line for line in self.text().splitlines() if "supervisor:" in line]

    def stop(self, timeout_s=120):
        """SIGTERM to scripts/run, as Ctrl-C would; returns its exit code (None if it hung)."""
        if not self.running():
            return self.process.returncode if self.process else None
        self.remember_pids()
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            return None

    def leftovers(self):
        """What is still there after a stop: live processes it started, sandboxes or leases of
        its workers, its pid files, a listening port."""
        left = []
        for pid in sorted(self.seen_pids):
            if alive(pid):
                left.append(f"process {pid} still runs")
        for worker in self.workers:
            ids = containers_of(worker)
            if ids:
                left.append(f"{len(ids)} container(s) of {worker} left")
        pid_files = sorted(p.name for p in (self.state / "run").glob("*.pid"))
        if pid_files:
            left.append(f"pid files left: {pid_files}")
        for port in [api.port for api in self.apis] + [self.kafka_port]:
            if port_open(port):
                left.append(f"127.0.0.1:{port} still accepts connections")
        return left

    def force_clean(self):
        """Last resort after a failure: kill whatever is left, remove its workers' containers."""
        if self.running():
            self.stop(90)
        if self.running():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.remember_pids()
        for pid in self.seen_pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        for worker in self.workers:
            ids = containers_of(worker)
            if ids:
                docker("rm", "-f", *ids, check=False)

    def kafka_tool(self, *args, timeout=120):
        """One of Kafka's command-line tools (gozo_kafka_tool in scripts/lib/common.sh)."""
        return subprocess.run(
            ["bash", "-c", 'source "$0"; gozo_kafka_tool "$@"',
             str(ROOT / "scripts/lib/common.sh"), *args],
            env=self.env, capture_output=True, text=True, timeout=timeout)

    def result_keys(self):
        """Every key of gozo.results, one per record, in the order read."""
        done = self.kafka_tool(
            "org.apache.kafka.tools.consumer.ConsoleConsumer",
            "--bootstrap-server", f"127.0.0.1:{self.kafka_port}", "--topic", "gozo.results",
            "--from-beginning", "--timeout-ms", "15000",
            "--property", "print.key=true", "--property", "print.value=false",
            "--property", "key.separator=\t", timeout=300)
        keys = [line.split("\t")[0].strip() for line in done.stdout.splitlines() if line.strip()]
        if not keys and done.returncode != 0:
            raise RuntimeError(f"reading gozo.results failed: {done.stderr[-500:]}")
        return keys


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


JOB_ID = re.compile(r"job ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
