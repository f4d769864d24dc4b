#!/usr/bin/env python3
"""The bench's "judge" phase (issue 15): what compiling once and running many tests saves.

    judge.py OUT.json        with BENCH_URL, BENCH_KEY set

Figures, all measured in this run against the same system:
  cpp          a C++ solution with N tests (default 100) in ONE request (POST ?wait=true)
               against the same N inputs as N separate requests of the plain API, all
               submitted at once and waited for in parallel (the best today's API can do):
               end-to-end seconds of each, the ratio, and how many compile steps each ran.
  python       a Python solution with N tests in one request: tests per second, and the
               per-test overhead over a bare run of the same program (its own run wall time
               in a plain job, median of 5).

Standard library only. Talks to 127.0.0.1 only.
"""
import json
import os
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (Client, env_int)

CPP_SUM = """#include <iostream>
int main() { long a, b; std::cin >> a >> b; std::cout << a + b << "\\n"; }
"""
PY_SUM = "a, b = map(int, input().split())\nprint(a + b)\n"
FINAL = {"SUCCEEDED", "WRONG_ANSWER", "RUNTIME_ERROR", "COMPILE_ERROR", "TIME_LIMIT_EXCEEDED",
         "MEMORY_LIMIT_EXCEEDED", "OUTPUT_LIMIT_EXCEEDED", "REJECTED", "INTERNAL_ERROR",
         "CANCELLED"}


def say(message):
    print(f"==> bench judge: {message}", flush=True)


def tests(n):
    return [{"name": f"t{i}", "stdin": f"{i} {i + 1}\n", "expectedOutput": f"{2 * i + 1}\n"}
            for i in range(n)]


def job(language, name, code, **extra):
    body = {"language": language, "files": [{"name": name, "content": code}]}
    body.update(extra)
    return body


def await_result(client, job_id, deadline):
    """GET ?wait=true until the job is final or the deadline passes; the result or None."""
    while time.monotonic() < deadline:
        status, data, _ = client.request(
            "GET", f"/v1/executions/{job_id}?wait=true&timeoutMs=20000")
        if status == 200 and isinstance(data, dict) and data.get("status") in FINAL:
            return data
        if status not in (200, 202):
            time.sleep(0.2)
    return None


def one_request(url, key, body, timeout_s=600):
    client = bench.Client(url, key, timeout=timeout_s)
    started = time.perf_counter()
    status, data, _ = client.request("POST", "/v1/executions", body)
    if status != 202 or not isinstance(data, dict):
        client.close()
        return None, None
    result = await_result(client, data["id"], time.monotonic() + timeout_s)
    elapsed = time.perf_counter() - started
    client.close()
    return result, elapsed


def separate_requests(url, key, language, name, code, n, threads=8, timeout_s=900):
    """N plain jobs, one per input, all submitted first, then awaited in parallel."""
    ids, results, lock = [], [], threading.Lock()
    started = time.perf_counter()
    client = bench.Client(url, key)
    for case in tests(n):
        for _ in range(20):
            status, data, _ = client.request(
                "POST", "/v1/executions", job(language, name, code, stdin=case["stdin"]))
            if status == 202:
                ids.append((data["id"], case["expectedOutput"]))
                break
            time.sleep(0.5)  # 429/503: the queue is full for now
    client.close()
    deadline = time.monotonic() + timeout_s

    def waiter(chunk):
        own = bench.Client(url, key, timeout=40)
        for job_id, expected in chunk:
            result = await_result(own, job_id, deadline)
            with lock:
                results.append((result, expected))
        own.close()

    workers = [threading.Thread(target=waiter, args=(ids[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    correct = sum(1 for r, expected in results
                  if r and r.get("status") == "SUCCEEDED" and (r.get("run") or {}).get("stdout") == expected)
    compiles = sum(1 for r, _ in results if r and r.get("compile"))
    return {"jobs": n, "submitted": len(ids), "correct": correct, "compile_steps": compiles,
            "seconds": round(elapsed, 2)}


def judged(url, key, language, name, code, n):
    result, elapsed = one_request(url, key, job(language, name, code, tests=tests(n)))
    if result is None:
        return {"error": "no result"}
    summary = result.get("summary") or {}
    return {"tests": n, "status": result.get("status"), "passed": summary.get("passed"),
            "compile_steps": 1 if result.get("compile") else 0,
            "seconds": round(elapsed, 2),
            "tests_per_second": round(n / elapsed, 1) if elapsed else None}


def bare_run_ms(url, key, samples=5):
    client = bench.Client(url, key)
    walls = []
    for _ in range(samples):
        ok, _, result = bench.run_job(client, job("python", "main.py", PY_SUM, stdin="1 2\n"))
        if ok:
            walls.append(result["run"]["wallTimeMs"])
    client.close()
    return statistics.median(walls) if walls else None


def main(argv):
    out_path = argv[1]
    url, key = os.environ["BENCH_URL"].rstrip("/"), os.environ["BENCH_KEY"]
    n = bench.env_int("GOZO_BENCH_JUDGE_TESTS", 100)
    result = {}
    say(f"C++, {n} tests in one request")
    one = judged(url, key, "cpp", "sum.cpp", CPP_SUM, n)
    say(f"C++, the same {n} inputs as {n} separate requests")
    many = separate_requests(url, key, "cpp", "sum.cpp", CPP_SUM, n)
    speedup = (round(many["seconds"] / one["seconds"], 2)
               if one.get("seconds") and many.get("seconds") else None)
    result["cpp"] = {"one_request": one, "separate_requests": many, "speedup": speedup}
    say(f"Python, {n} tests in one request")
    py = judged(url, key, "python", "main.py", PY_SUM, n)
    bare = bare_run_ms(url, key)
    if py.get("seconds") and bare is not None:
        py["per_test_ms"] = round(py["seconds"] * 1000 / n, 1)
        py["bare_run_ms"] = bare
        py["per_test_overhead_ms"] = round(py["per_test_ms"] - bare, 1)
    result["python"] = py
    with open(out_path, "w") as f:
        json.dump({"judge": result}, f, indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv)
