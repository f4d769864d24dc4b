#!/usr/bin/env python3
"""Measurements for scripts/bench (stdlib only; talks to 127.0.0.1 only).

    bench.py measure OUT.json   baselines, per-language cold/warm, sync latency, throughput, RSS
    bench.py wrk-parse WRK_OUTPUT OUT.json     the async figures from wrk's output
    bench.py report OUT_DIR PARTS.json...      merges the parts, prints the table, writes JSON

Everything `measure` needs comes from the environment that scripts/bench sets:
    BENCH_URL, BENCH_KEY            the gateway under test and an API key
    BENCH_RECYCLE_KEY               a key of a tenant in recycling mode (else that phase is skipped)
    BENCH_DOCKER                    the docker CLI for the baselines
    BENCH_LABEL                     label put on every baseline container (for clean-up)
    BENCH_GATEWAY_PIDS, BENCH_WORKER_PIDS   space-separated pids whose VmRSS is sampled
    BENCH_PHASES                    which phases to run (default: all of them)
    BENCH_SYNC_N, BENCH_THINK_MS, BENCH_CLIENTS, BENCH_THROUGHPUT_S, BENCH_DOCKER_N,
    BENCH_DOCKER_LOOP_S, BENCH_HOST_N, BENCH_LANG_BUDGET_S, BENCH_LANG_PAUSE_MS
                                    sizes (defaults as in the issue)
Every loop is bounded by a count and by a deadline.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

# --- hello world per language --------------------------------------------------------------
# The project's own samples (deploy/runtimes/samples/<language>.json, case "hello") come first;
# this small table covers a checkout without them. Keyed by catalogue language id or alias; the
# file is named after the runtime's entryFile.
HELLO = {
    "python": 'print("hello world")\n',
    "javascript": 'console.log("hello world");\n',
    "bash": 'echo "hello world"\n',
    "c": '#include <stdio.h>\nint main(void) { puts("hello world"); return 0; }\n',
    "cpp": '#include <iostream>\nint main() { std::cout << "hello world" << std::endl; }\n',
    "java": 'public class Main {\n  public static void main(String[] args) {\n'
    '    System.out.println("hello world");\n  }\n}\n',
    "go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello world") }\n',
    "rust": 'fn main() { println!("hello world"); }\n',
    "ruby": 'puts "hello world"\n',
    "php": '<?php echo "hello world\\n";\n',
    "perl": 'print "hello world\\n";\n',
    "lua": 'print("hello world")\n',
}
MIB = 1024 * 1024
SAMPLES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                           "deploy", "runtimes", "samples")


def hello_job(runtime):
    """(job, where the source came from) for a runtime, or (None, reason)."""
    language = runtime.get("language")
    names = [language, *runtime.get("aliases", [])]
    for name in names:
        path = os.path.join(SAMPLES_DIR, f"{name}.json")
        if not os.path.exists(path):
            continue
        try:
            with open(path) as f:
                case = json.load(f)["cases"]["hello"]
        except (OSError, ValueError, KeyError):
            continue
        files = []
        for entry in case["files"]:
            content = entry["content"]
            if isinstance(content, list):
                content = "\n".join(content) + "\n"
            files.append({**entry, "content": content})
        job = {"language": language, "version": runtime.get("version"), "files": files}
        if case.get("stdin") is not None:
            job["stdin"] = case["stdin"]
        return job, f"deploy/runtimes/samples/{name}.json"
    source = next((HELLO[n] for n in names if n in HELLO), None)
    if source is None:
        return None, "no hello-world sample"
    return {"language": language, "version": runtime.get("version"),
            "files": [{"name": runtime.get("entryFile"), "content": source}]}, "bench table"


PRINT_ONE = {"language": "python", "files": [{"name": "main.py", "content": "print(1)"}]}


# --- small helpers -------------------------------------------------------------------------

def env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def percentile(values, p):
    """Nearest-rank percentile of a list of numbers (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return ordered[int(rank) - 1]


def summary(values_ms):
    return {
        "n": len(values_ms),
        "p50_ms": round(percentile(values_ms, 50), 1) if values_ms else None,
        "p90_ms": round(percentile(values_ms, 90), 1) if values_ms else None,
        "p99_ms": round(percentile(values_ms, 99), 1) if values_ms else None,
        "max_ms": round(max(values_ms), 1) if values_ms else None,
    }


def cpu_seconds():
    """CPU time the whole machine spent busy so far (all CPUs, from /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()[1:]
        ticks = [int(x) for x in fields[:8]]
        idle = ticks[3] + ticks[4]  # idle + iowait
        return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def say(message):
    print(f"==> bench: {message}", flush=True)


# --- HTTP ----------------------------------------------------------------------------------

class Client:
    """One keep-alive connection to the gateway; reconnects after an error."""

    def __init__(self, url, key, timeout=40.0):
        parsed = urllib.parse.urlsplit(url)
        if parsed.hostname not in ("127.0.0.1", "localhost"):
            raise SystemExit(f"bench talks to 127.0.0.1 only, not {parsed.hostname}")
        self.host, self.port = "127.0.0.1", parsed.port or 80
        self.key, self.timeout = key, timeout
        self.conn = None

    def request(self, method, path, body=None):
        """(status, parsed JSON or None, elapsed ms). Network errors give status 0."""
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = None
            return response.status, data, elapsed
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, None, (time.perf_counter() - started) * 1000

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run_job(client, job, wait_ms=30000):
    """Submits with ?wait=true; (ok, elapsed ms, result or error text)."""
    status, data, elapsed = client.request(
        "POST", f"/v1/executions?wait=true&timeoutMs={wait_ms}", job)
    if status != 200 or not isinstance(data, dict):
        detail = data.get("detail") or data.get("status") if isinstance(data, dict) else None
        return False, elapsed, f"HTTP {status} {detail or ''}".strip()
    if data.get("status") != "SUCCEEDED":
        return False, elapsed, f"{data.get('status')}: {data.get('message')}"
    return True, elapsed, data


def print_one_ok(result):
    return isinstance(result, dict) and (result.get("run") or {}).get("stdout") == "1\n"


# --- phases --------------------------------------------------------------------------------

def host_python():
    """Debian's own python3 (the same 3.11 as in gozo/runtime-python:1) when the host has it.

    A python3 found first on PATH may be a pyenv shim or load site hooks (.pth files) that cost
    25 ms more per start, which would flatter every ratio to the baseline.
    """
    if os.access("/usr/bin/python3", os.X_OK):
        return "/usr/bin/python3"
    import shutil
    return os.path.realpath(shutil.which("python3") or sys.executable)


def phase_host_python():
    n = env_int("BENCH_HOST_N", 50)
    exe = host_python()
    say(f"baseline: {exe} -c 'print(1)' on the host, {n} runs")
    cmd = [exe, "-c", "print(1)"]
    subprocess.run(cmd, capture_output=True, check=True)  # page cache, not measured
    times = []
    deadline = time.monotonic() + 60
    for _ in range(n):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append((time.perf_counter() - started) * 1000)
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    return {"command": f"{exe} -c 'print(1)'", "version": version, **summary(times)}


def docker_run_cmd():
    docker = os.environ.get("BENCH_DOCKER", "docker")
    label = os.environ.get("BENCH_LABEL", "dev.gozo.bench=1")
    # The label changes nothing in the run; it lets scripts/bench remove strays on Ctrl-C.
    return [docker, "run", "--rm", "--label", label,
            "gozo/runtime-python:1", "python3", "-c", "print(1)"]


def phase_docker_sequential():
    n = env_int("BENCH_DOCKER_N", 20)
    cmd = docker_run_cmd()
    say(f"baseline: docker run --rm gozo/runtime-python:1 python3 -c 'print(1)', {n} runs")
    subprocess.run(cmd, capture_output=True, timeout=60)  # not measured
    times, failures = [], 0
    deadline = time.monotonic() + 120
    for _ in range(n):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        if done.returncode == 0 and done.stdout == b"1\n":
            times.append(elapsed)
        else:
            failures += 1
    return {"command": " ".join(cmd), "failures": failures, **summary(times)}


def phase_docker_loop():
    clients = env_int("BENCH_CLIENTS", 8)
    seconds = env_int("BENCH_DOCKER_LOOP_S", 15)
    cmd = docker_run_cmd()
    say(f"baseline: docker run --rm loop, {clients} concurrent runners for {seconds} s")
    lock = threading.Lock()
    ok, failed, times, last_end = [0], [0], [], [0.0]
    start = time.perf_counter()
    stop_at = start + seconds

    def runner():
        for _ in range(10000):  # bounded; the deadline ends it long before
            if time.perf_counter() >= stop_at:
                return
            t0 = time.perf_counter()
            try:
                done = subprocess.run(cmd, capture_output=True, timeout=60)
                good = done.returncode == 0 and done.stdout == b"1\n"
            except subprocess.TimeoutExpired:
                good = False
            t1 = time.perf_counter()
            with lock:
                if good:
                    ok[0] += 1
                    times.append((t1 - t0) * 1000)
                else:
                    failed[0] += 1
                last_end[0] = max(last_end[0], t1)

    threads = [threading.Thread(target=runner, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 90)
    elapsed = max(last_end[0], start + 0.001) - start
    return {"concurrency": clients, "completed": ok[0], "failures": failed[0],
            "seconds": round(elapsed, 2), "per_s": round(ok[0] / elapsed, 2),
            **summary(times)}


def phase_languages(url, key):
    budget = env_int("BENCH_LANG_BUDGET_S", 900)
    # Between the jobs of one language: time for the worker's pool to have a container ready
    # again (~0.3 s to start one here), so "warm" means what a user sees with a warm pool
    # rather than back-to-back jobs outrunning the refill.
    pause = env_int("BENCH_LANG_PAUSE_MS", 500) / 1000
    client = Client(url, key, timeout=120)
    status, runtimes, _ = client.request("GET", "/v1/runtimes")
    if status != 200 or not isinstance(runtimes, list):
        return {"error": f"GET /v1/runtimes answered {status}"}
    say(f"languages: hello world in each of {len(runtimes)} runtimes, 1 cold + 3 warm jobs each"
        f" ({int(pause * 1000)} ms apart)")
    deadline = time.monotonic() + budget
    seen, rows = set(), []
    for rt in runtimes:
        language = rt.get("language")
        if language in seen:
            continue  # several versions of one language: the first (newest) one
        seen.add(language)
        row = {"language": language, "version": rt.get("version"),
               "entryFile": rt.get("entryFile")}
        rows.append(row)
        job, origin = hello_job(rt)
        if job is None:
            row["skipped"] = origin
            say(f"languages: {language} skipped ({origin})")
            continue
        if time.monotonic() > deadline:
            row["skipped"] = f"time budget of {budget} s used up"
            continue
        row["sample"] = origin
        times, errors, run_ms, compile_ms = [], [], [], []
        for attempt in range(4):
            if attempt:
                time.sleep(pause)
            ok, elapsed, result = run_job(client, job, wait_ms=60000)
            if ok and "hello" not in (result.get("run") or {}).get("stdout", "").lower():
                ok, result = False, "stdout has no hello"
            if ok:
                times.append(elapsed)
                run_ms.append((result.get("run") or {}).get("wallTimeMs"))
                compile_ms.append((result.get("compile") or {}).get("wallTimeMs"))
            else:
                errors.append(str(result)[:200])
                times.append(None)
        row["cold_ms"] = round(times[0], 1) if times[0] is not None else None
        warm = [t for t in times[1:] if t is not None]
        row["warm_ms"] = round(statistics.median(warm), 1) if warm else None
        row["warm_n"] = len(warm)
        row["run_wall_ms"] = run_ms
        row["compile_wall_ms"] = compile_ms
        if errors:
            row["errors"] = errors
        say(f"languages: {language} cold {row['cold_ms']} ms, warm {row['warm_ms']} ms"
            + (f" ({len(errors)} failed: {errors[0]})" if errors else ""))
    client.close()
    return {"runtimes": rows}


def sequential_series(client, n, pause):
    """N print(1) jobs one after the other with PAUSE seconds between them (bounded by 300 s)."""
    times, errors, run_wall = [], [], []
    deadline = time.monotonic() + 300
    for _ in range(n):
        if time.monotonic() > deadline:
            break
        ok, elapsed, result = run_job(client, PRINT_ONE)
        if ok and print_one_ok(result):
            times.append(elapsed)
            run_wall.append(result["run"].get("wallTimeMs") or 0)
        else:
            errors.append(str(result)[:200])
        if pause:
            time.sleep(pause)
    return {"think_ms": int(pause * 1000), "errors": len(errors),
            "first_error": errors[0] if errors else None,
            "program_wall_p50_ms": percentile(run_wall, 50), **summary(times)}


def phase_sync(url, key):
    n = env_int("BENCH_SYNC_N", 100)
    think_ms = env_int("BENCH_THINK_MS", 150)
    client = Client(url, key)
    say("sync: 5 warm-up requests")
    warmup_errors = []
    for _ in range(5):
        ok, _, result = run_job(client, PRINT_ONE)
        if not ok:
            warmup_errors.append(str(result)[:200])
    out = {"warmup_errors": warmup_errors}
    for name, pause in (("back_to_back", 0), ("paced", think_ms / 1000)):
        # The pause lets the pool start refilling; the paced series does not need a full one.
        time.sleep(3)
        say(f"sync: {n} sequential requests, {'no pause' if not pause else f'{think_ms} ms think time'}")
        out[name] = sequential_series(client, n, pause)
    # A burst longer than the worker's python reserve (100 by default): once the reserve is spent,
    # every job waits for the engine, which makes ~10 containers per second at best. No target:
    # it shows what the two series above do not. It runs last, with whatever the pool has left.
    long_n = env_int("BENCH_SYNC_LONG_N", 300)
    if long_n > 0:
        time.sleep(3)
        say(f"sync: {long_n} sequential requests, no pause (longer than the warm reserve)")
        out["back_to_back_long"] = sequential_series(client, long_n, 0)
    client.close()
    return out


def read_rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_now():
    out = {}
    for role, var in (("gateway", "BENCH_GATEWAY_PIDS"), ("worker", "BENCH_WORKER_PIDS")):
        for pid in os.environ.get(var, "").split():
            value = read_rss_mib(pid)
            if value is not None:
                out[f"{role}:{pid}"] = value
    return out


def phase_recycling(url, key):
    """Phases 3 and 4 again for a tenant whose containers serve several of its jobs."""
    if not key:
        return {"skipped": "no recycling tenant (GOZO_BENCH_RECYCLE_KEY, or let the bench start the system)"}
    n = env_int("BENCH_SYNC_N", 100)
    client = Client(url, key)
    say(f"recycling: 5 warm-up requests, then {n} back-to-back sequential requests")
    for _ in range(5):
        run_job(client, PRINT_ONE)
    sync = sequential_series(client, n, 0)
    client.close()
    throughput, _ = phase_throughput(url, key, sample_rss=False)
    return {"sync": sync, "throughput": throughput}


def phase_throughput(url, key, sample_rss=True):
    clients = env_int("BENCH_CLIENTS", 8)
    seconds = env_int("BENCH_THROUGHPUT_S", 20)
    say(f"throughput: {clients} concurrent clients, sync requests for {seconds} s (RSS sampled each second)")
    lock = threading.Lock()
    times, errors, last_end = [], [], [0.0]
    rss_samples = {}
    start = time.perf_counter()
    stop_at = start + seconds
    finished = threading.Event()

    def client_loop():
        client = Client(url, key)
        for _ in range(100000):
            if time.perf_counter() >= stop_at:
                break
            ok, elapsed, result = run_job(client, PRINT_ONE)
            t1 = time.perf_counter()
            with lock:
                if ok and print_one_ok(result):
                    times.append(elapsed)
                else:
                    errors.append(str(result)[:200])
                last_end[0] = max(last_end[0], t1)
        client.close()

    def sampler():
        if not sample_rss:
            return
        for _ in range(seconds + 120):
            for name, value in rss_now().items():
                rss_samples.setdefault(name, []).append(value)
            if finished.wait(1.0):
                return

    sampler_thread = threading.Thread(target=sampler, daemon=True)
    sampler_thread.start()
    cpu_before = cpu_seconds()
    threads = [threading.Thread(target=client_loop, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    cpu_after = cpu_seconds()
    finished.set()
    sampler_thread.join(timeout=5)
    elapsed = max(last_end[0], start + 0.001) - start
    # Whole-machine CPU (engine, broker, JVMs, sandboxes, this bench's clients) per finished job:
    # what bounds the throughput on a small host.
    cpu_ms_per_job = (round((cpu_after - cpu_before) * 1000 / len(times), 1)
                      if times and cpu_before is not None and cpu_after is not None else None)
    throughput = {"clients": clients, "completed": len(times), "errors": len(errors),
                  "first_error": errors[0] if errors else None,
                  "seconds": round(elapsed, 2), "per_s": round(len(times) / elapsed, 2),
                  "cpu_ms_per_job": cpu_ms_per_job, **summary(times)}
    time.sleep(3)  # let the pool settle, then an idle sample
    idle = rss_now()
    rss = {}
    for name in sorted(set(rss_samples) | set(idle)):
        role, pid = name.split(":")
        samples = rss_samples.get(name, [])
        rss[name] = {"role": role, "pid": int(pid),
                     "max_under_load_mib": round(max(samples), 1) if samples else None,
                     "median_under_load_mib": round(statistics.median(samples), 1) if samples else None,
                     "idle_after_mib": round(idle[name], 1) if name in idle else None}
    return throughput, rss


def measure(out_path):
    url = os.environ["BENCH_URL"].rstrip("/")
    key = os.environ["BENCH_KEY"]
    phases = os.environ.get("BENCH_PHASES", "languages baselines sync throughput").split()
    result = {"load": {"measure_start": loadavg()}}

    def record(name, fn):
        started = time.monotonic()
        result[name] = fn()
        result["load"][name] = loadavg()
        result.setdefault("phase_seconds", {})[name] = round(time.monotonic() - started, 1)
        with open(out_path, "w") as f:  # partial results survive a later failure
            json.dump(result, f, indent=2)

    # Languages first: "cold" means the first job of that language since the system started.
    if "languages" in phases:
        record("languages", lambda: phase_languages(url, key))
    if "baselines" in phases:
        record("host_python", phase_host_python)
        record("docker_run", phase_docker_sequential)
        record("docker_loop", phase_docker_loop)
    if "sync" in phases:
        record("sync", lambda: phase_sync(url, key))
    if "throughput" in phases:
        holder = {}

        def both():
            holder["throughput"], holder["rss"] = phase_throughput(url, key)
            return holder["throughput"]
        record("throughput", both)
        result["rss"] = holder["rss"]
    if "recycling" in phases:
        record("recycling", lambda: phase_recycling(url, os.environ.get("BENCH_RECYCLE_KEY", "")))
    with open(out_path, "w") as f:
        json.dump(result, f, indent=2)


# --- wrk -----------------------------------------------------------------------------------

def wrk_parse(wrk_output, out_path):
    """The JSON line async.lua's done() printed, plus wrk's own text for the record."""
    text = open(wrk_output, errors="replace").read()
    line = next((l for l in text.splitlines() if l.startswith("BENCH-JSON ")), None)
    if line is None:
        result = {"error": "wrk printed no summary", "wrk_output": text[-2000:]}
    else:
        raw = json.loads(line[len("BENCH-JSON "):])
        seconds = raw["duration_us"] / 1e6
        result = {
            "seconds": round(seconds, 2),
            "requests": raw["requests"],
            "accepted_202": raw["accepted"],
            "other_status": raw["other"],
            "status_counts": raw["statuses"],
            "socket_errors": raw["errors"],
            "accepted_per_s": round(raw["accepted"] / seconds, 1) if seconds else 0,
            "p50_ms": round(raw["p50_us"] / 1000, 2),
            "p90_ms": round(raw["p90_us"] / 1000, 2),
            "p99_ms": round(raw["p99_us"] / 1000, 2),
            "max_ms": round(raw["max_us"] / 1000, 2),
        }
    result.update({k[len("BENCH_WRK_"):].lower(): v for k, v in os.environ.items()
                   if k.startswith("BENCH_WRK_")})
    with open(out_path, "w") as f:
        json.dump({"async": result}, f, indent=2)


# --- report --------------------------------------------------------------------------------

def fmt(value, unit="ms", digits=0):
    if value is None:
        return "n/a"
    return f"{value:.{digits}f} {unit}".strip()


def ratio(value, base):
    if value is None or not base:
        return "n/a"
    r = value / base
    return f"{r:.2f}x" if r < 10 else f"{r:.0f}x"


def report(out_dir, parts):
    data = {}
    for part in parts:
        if os.path.exists(part):
            with open(part) as f:
                for key, value in json.load(f).items():
                    if key == "load" and "load" in data:
                        data["load"].update(value)
                    else:
                        data[key] = value
    meta = data.get("meta", {})
    data["load"] = data.get("load", {})
    data["load"]["report"] = loadavg()

    host = data.get("host_python", {})
    drun = data.get("docker_run", {})
    loop = data.get("docker_loop", {})
    host50, drun50 = host.get("p50_ms"), drun.get("p50_ms")
    rows, verdicts = [], []

    def verdict(name, passed, target):
        if passed is None:
            verdicts.append({"target": name, "goal": target, "result": "n/a"})
            return "n/a"
        text = "PASS" if passed else "MISS"
        verdicts.append({"target": name, "goal": target, "result": text})
        return text

    def latency_rows(label, s, target_name=None):
        if not s or s.get("p50_ms") is None:
            rows.append((label, "not measured", "", "", "", ""))
            return
        value = f"p50 {fmt(s['p50_ms'])} p90 {fmt(s['p90_ms'])} p99 {fmt(s['p99_ms'])}"
        vs = f"{ratio(s['p50_ms'], host50)} bare py, {ratio(s['p50_ms'], drun50)} docker run"
        if target_name:
            passed = s["p50_ms"] <= 40 and s["p99_ms"] <= 120
            rows.append((label, value, vs, "p50<=40 & p99<=120",
                         verdict(target_name, passed, "p50 <= 40 ms and p99 <= 120 ms"), f"n={s['n']}"
                         + (f", program itself p50 {s['program_wall_p50_ms']} ms"
                            if s.get("program_wall_p50_ms") is not None else "")
                         + (f", {s.get('errors')} errors" if s.get("errors") else "")))
        else:
            rows.append((label, value, vs, "", "", f"n={s['n']}"))

    print()
    print("=" * 118)
    print(f"GozoLite bench  {meta.get('timestamp', '')}  commit {meta.get('commit', '?')}  "
          f"{meta.get('cpus', '?')} CPUs  system: {meta.get('system', '?')}")
    load = data["load"]
    print(f"load average (1/5/15 min): at start {load.get('start')} (other work on the machine); "
          f"highest 1-min after a phase {max((v[0] for v in load.values() if v), default=None)} "
          f"(the bench's own jobs included); end {load.get('report')}")
    print("=" * 118)
    print("Baselines")
    print(f"  bare python3 -c 'print(1)' on the host      N={host.get('n')}: "
          f"p50 {fmt(host50, digits=1)}  p90 {fmt(host.get('p90_ms'), digits=1)}  p99 {fmt(host.get('p99_ms'), digits=1)}"
          f"  ({host.get('command', '?').split(' ')[0]}, {host.get('version', '?')})")
    print(f"  docker run --rm (sequential)                N={drun.get('n')}: "
          f"p50 {fmt(drun50)}  p90 {fmt(drun.get('p90_ms'))}  p99 {fmt(drun.get('p99_ms'))}")
    print(f"  docker run --rm loop, {loop.get('concurrency', '?')} concurrent runners      "
          f"{fmt(loop.get('per_s'), 'containers/s', 2)} ({loop.get('completed')} in {loop.get('seconds')} s, "
          f"p50 {fmt(loop.get('p50_ms'))}, p99 {fmt(loop.get('p99_ms'))})")
    print()

    sync = data.get("sync", {})
    b2b, paced = sync.get("back_to_back"), sync.get("paced")
    latency_rows("sync latency, back-to-back (seq.)", b2b, "sync back-to-back")
    latency_rows(f"sync latency, {paced.get('think_ms') if paced else 150} ms think time (seq.)",
                 paced, "sync with think time")
    latency_rows("  back-to-back beyond the reserve (seq.)", sync.get("back_to_back_long"))

    def throughput_rows(label, tp, target_name, factor):
        r = tp["per_s"] / loop["per_s"] if loop.get("per_s") else None
        rows.append((label, f"{tp['per_s']:.2f} jobs/s", f"{ratio(tp['per_s'], loop.get('per_s'))} docker-run loop",
                     f">={factor}x docker loop",
                     verdict(target_name, None if r is None else r >= factor, f">= {factor}x the docker run loop"),
                     f"{tp['completed']} in {tp['seconds']} s" + (f", {tp['errors']} errors" if tp.get("errors") else "")
                     + (f", {tp['cpu_ms_per_job']:.0f} ms CPU/job" if tp.get("cpu_ms_per_job") else "")))
        rows.append(("  its latency", f"p50 {fmt(tp['p50_ms'])} p90 {fmt(tp['p90_ms'])} p99 {fmt(tp['p99_ms'])}",
                     f"{ratio(tp['p50_ms'], drun50)} docker run", "", "", ""))

    tp = data.get("throughput", {})
    if tp.get("per_s") is not None:
        throughput_rows(f"throughput, {tp['clients']} clients (sync)", tp, "throughput", 0.9)
    else:
        rows.append(("throughput", "not measured", "", "", "", ""))

    rec = data.get("recycling") or {}
    if (rec.get("throughput") or {}).get("per_s") is not None:
        rs, rt = rec["sync"], rec["throughput"]
        if rs.get("p50_ms") is not None:
            rows.append(("recycling: sync latency, back-to-back",
                         f"p50 {fmt(rs['p50_ms'])} p90 {fmt(rs['p90_ms'])} p99 {fmt(rs['p99_ms'])}",
                         f"{ratio(rs['p50_ms'], host50)} bare py, {ratio(rs['p50_ms'], drun50)} docker run",
                         "(opt-in mode)", "", f"n={rs['n']}" + (f", {rs['errors']} errors" if rs.get("errors") else "")))
        throughput_rows(f"recycling: throughput, {rt['clients']} clients", rt, "throughput recycling", 5)
    elif rec:
        rows.append(("recycling mode", "not measured: " + str(rec.get("skipped", rec.get("error", ""))), "", "", "", ""))

    asy = data.get("async", {})
    if asy.get("accepted_per_s") is not None:
        passed = asy["accepted_per_s"] >= 10000 and asy["p99_ms"] <= 50
        rows.append((f"async submissions (wrk -c{asy.get('connections', '?')})",
                     f"{asy['accepted_per_s']:.0f} 202s/s",
                     f"{ratio(asy['accepted_per_s'], loop.get('per_s'))} docker-run loop",
                     ">=10000/s & p99<=50", verdict("async", passed, ">= 10,000 202s/s and p99 <= 50 ms"),
                     f"{asy['accepted_202']} accepted, {asy['other_status']} other, "
                     f"{sum(v for k, v in asy['socket_errors'].items() if k != 'status')} socket errors"))
        rows.append(("  its latency", f"p50 {fmt(asy['p50_ms'], digits=1)} p90 {fmt(asy['p90_ms'], digits=1)} "
                     f"p99 {fmt(asy['p99_ms'], digits=1)}", f"{ratio(asy['p50_ms'], host50)} bare py", "", "", ""))
    else:
        rows.append(("async submissions", "not measured: " + str(asy.get("error", asy.get("skipped", ""))), "", "", "", ""))

    # The limit is 300 MB (10^6 bytes), i.e. 286 MiB.
    def mb(mib):
        return None if mib is None else mib * MIB / 1e6

    for name, r in sorted((data.get("rss") or {}).items()):
        peak = mb(r.get("max_under_load_mib"))
        rows.append((f"RSS {r['role']} (pid {r['pid']})",
                     f"{fmt(peak, 'MB')} peak", f"idle after {fmt(mb(r.get('idle_after_mib')), 'MB')}",
                     "<300 MB", verdict(f"rss {r['role']} {r['pid']}", None if peak is None else peak < 300,
                                         "< 300 MB"), "sampled 1/s under load"))
    async_rss = [int(v) for v in str(asy.get("gateway_rss_kib") or "").split()]
    if async_rss:
        peak, last = max(async_rss) * 1024 / 1e6, async_rss[-1] * 1024 / 1e6
        rows.append(("RSS gateway, async test", f"{fmt(peak, 'MB')} peak", f"10 s after {fmt(last, 'MB')}",
                     "<300 MB", verdict("rss async gateway", peak < 300, "< 300 MB"),
                     "sampled 1/s during the measured wrk run (after its warm-up)"))
    if not data.get("rss"):
        rows.append(("RSS", "not measured (no pids found)", "", "", "", ""))

    live = data.get("live") or {}
    if live:
        first = live.get("first_byte") or {}
        streamed, plain = first.get("streamed") or {}, first.get("plain") or {}
        delta = first.get("delta_p50_ms")
        rows.append(("live: first stdout byte (SSE)",
                     f"p50 {fmt(streamed.get('p50_ms'))}, non-streamed result p50 {fmt(plain.get('p50_ms'))}",
                     f"delta {fmt(delta, digits=1)}", "delta p50<=10",
                     verdict("live first byte", None if delta is None else delta <= 10,
                             "first streamed byte within 10 ms of the non-streamed result (p50)"),
                     f"n={streamed.get('n')}" + (f", {first.get('errors')} errors" if first.get("errors") else "")))
        rtt = (live.get("echo") or {}).get("rtt") or {}
        rows.append(("live: interactive echo round trip (WS)",
                     f"p50 {fmt(rtt.get('p50_ms'), digits=1)} p99 {fmt(rtt.get('p99_ms'), digits=1)}", "",
                     "p50<=30 & p99<=100",
                     verdict("live echo", None if rtt.get("p50_ms") is None
                             else rtt["p50_ms"] <= 30 and rtt["p99_ms"] <= 100, "p50 <= 30 ms, p99 <= 100 ms"),
                     f"n={rtt.get('n')}, final {(live.get('echo') or {}).get('final_status')}"))
        subs = live.get("subscribers") or {}
        peaks = subs.get("gateway_peak_rss_mb") or {}
        peak = max(peaks.values()) if peaks else None
        rows.append((f"live: RSS gateway, {subs.get('subscribers')} SSE subscribers",
                     f"{fmt(peak, 'MB')} peak", "", "<300 MB",
                     verdict("live sse rss", None if peak is None else peak < 300, "< 300 MB"),
                     f"{subs.get('received_result')} of {subs.get('subscribers')} got the result, "
                     f"{subs.get('jobs')} running jobs"))

    judge = data.get("judge") or {}
    if judge:
        cpp = judge.get("cpp") or {}
        one, many = cpp.get("one_request") or {}, cpp.get("separate_requests") or {}
        speedup = cpp.get("speedup")
        rows.append((f"judge: C++, {one.get('tests')} tests in 1 request",
                     f"{fmt(one.get('seconds'), 's', 1)}, {many.get('jobs')} requests {fmt(many.get('seconds'), 's', 1)}",
                     f"{speedup}x faster" if speedup else "", ">=3x, 1 compile",
                     verdict("judge cpp", None if speedup is None
                             else speedup >= 3 and one.get("compile_steps") == 1,
                             ">= 3x faster than separate requests, compiled once"),
                     f"{one.get('status')}, {one.get('passed')} passed; compile steps "
                     f"{one.get('compile_steps')} vs {many.get('compile_steps')}, "
                     f"{many.get('correct')} of {many.get('jobs')} separate correct"))
        py = judge.get("python") or {}
        rows.append((f"judge: Python, {py.get('tests')} tests in 1 request",
                     f"{py.get('tests_per_second')} tests/s", f"per test {fmt(py.get('per_test_ms'))}, "
                     f"bare run {fmt(py.get('bare_run_ms'))}", "", "",
                     f"overhead per test {fmt(py.get('per_test_overhead_ms'))}, {py.get('status')}"))

    pis = data.get("piston") or {}
    if pis:
        own, compat = pis.get("v1") or {}, pis.get("piston") or {}
        delta = pis.get("delta_p50_ms")
        rows.append(("piston: POST /api/v2/execute vs /v1 (print(1))",
                     f"p50 {fmt(compat.get('p50_ms'), digits=1)}, /v1 ?wait=true p50 {fmt(own.get('p50_ms'), digits=1)}",
                     f"delta {fmt(delta, digits=1)}, paired median {fmt(pis.get('paired_delta_median_ms'), digits=1)}",
                     "delta p50<2",
                     verdict("piston overhead", None if delta is None else delta < 2,
                             "the Piston layer adds under 2 ms at p50"),
                     f"n={compat.get('n')} pairs, interleaved"
                     + (f", {pis.get('errors')} errors" if pis.get("errors") else "")))

    headers = ("figure", "value", "vs baselines", "target", "result", "notes")
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(6)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())

    langs = (data.get("languages") or {}).get("runtimes")
    if langs:
        print()
        print("Hello world per language (HTTP, wait=true): cold = first job of the language, "
              "warm = median of the next 3 (sent 0.5 s apart)")
        print(f"  {'language':<13}{'version':<13}{'cold':>10}{'warm':>10}   vs docker run (warm)   notes")
        for row in langs:
            if row.get("skipped"):
                print(f"  {row['language']:<13}{str(row.get('version')):<13}{'skipped':>10}{'':>10}   {'':<22}{row['skipped']}")
                continue
            notes = []
            compiles = [c for c in row.get("compile_wall_ms") or [] if c is not None]
            if compiles:
                notes.append(f"compile step {compiles[0]} ms cold, {statistics.median(compiles[1:] or compiles):.0f} ms warm")
            if row.get("errors"):
                notes.append(f"{len(row['errors'])} failed: {row['errors'][0][:60]}")
            print(f"  {row['language']:<13}{str(row.get('version')):<13}{fmt(row.get('cold_ms')):>10}"
                  f"{fmt(row.get('warm_ms')):>10}   {ratio(row.get('warm_ms'), drun50):<22} {'; '.join(notes)}")
    elif data.get("languages", {}).get("error"):
        print(f"\nper-language: {data['languages']['error']}")

    problems = []
    for err in sync.get("warmup_errors") or []:
        problems.append(f"sync warm-up: {err}")
    for name in ("back_to_back", "paced", "back_to_back_long"):
        if (sync.get(name) or {}).get("errors"):
            problems.append(f"sync {name}: {sync[name]['errors']} failed, first: {sync[name]['first_error']}")
    if tp.get("errors"):
        problems.append(f"throughput: {tp['errors']} failed, first: {tp['first_error']}")
    for name in ("sync", "throughput"):
        part = rec.get(name) or {}
        if part.get("errors"):
            problems.append(f"recycling {name}: {part['errors']} failed, first: {part['first_error']}")
    for row in langs or []:
        for err in row.get("errors") or []:
            problems.append(f"{row['language']}: {err}")
    if problems:
        print()
        print(f"Jobs that did not succeed ({len(problems)}):")
        for line in problems:
            print(f"  {line}")
    data["problems"] = problems

    print()
    passed = sum(v["result"] == "PASS" for v in verdicts)
    print(f"targets: {passed} PASS, {sum(v['result'] == 'MISS' for v in verdicts)} MISS, "
          f"{sum(v['result'] == 'n/a' for v in verdicts)} n/a")
    data["verdicts"] = verdicts

    os.makedirs(out_dir, exist_ok=True)
    stamp = meta.get("stamp") or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = os.path.join(out_dir, f"bench-{stamp}.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
    with open(os.path.join(out_dir, "latest.json"), "w") as f:
        json.dump(data, f, indent=2)
    print(f"figures written to {os.path.relpath(path)} and {os.path.relpath(os.path.join(out_dir, 'latest.json'))}")


def main(argv):
    if len(argv) >= 3 and argv[1] == "measure":
        measure(argv[2])
    elif len(argv) == 4 and argv[1] == "wrk-parse":
        wrk_parse(argv[2], argv[3])
    elif len(argv) >= 3 and argv[1] == "report":
        report(argv[2], argv[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
