#!/usr/bin/env python3
"""The bench's "piston" phase (issue 16): what the Piston compat layer adds to a request.

    piston.py OUT.json        with BENCH_URL, BENCH_KEY set

The same program (python `print(1)`) sent N times (GOZO_BENCH_PISTON_N, 50) through each API,
sequentially and interleaved in one run, so both see the same machine, warm pool and load:
  v1       POST /v1/executions?wait=true           our own API, answered from the result stream
  piston   POST /api/v2/execute                    Piston's API, following the job's live stream
Each pair alternates which goes first, and GOZO_BENCH_THINK_MS (150) separates requests, as in
the sync phase (back to back, 2 CPUs queue the jobs and the figure measures the queue).
Reported: p50/p90/p99 of each, the difference of the p50s and the median of the per-pair
differences (the layer's cost: target under 2 ms at p50). Five pairs first warm both paths up.

Standard library only. Talks to 127.0.0.1 only.
"""
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (Client, env_int, summary)

PROGRAM = "print(1)"
V1_JOB = {"language": "python", "files": [{"name": "main.py", "content": PROGRAM}]}
PISTON_JOB = {"language": "python", "version": "*", "files": [{"content": PROGRAM}]}
WARMUP_PAIRS = 5


def say(message):
    print(f"==> bench piston: {message}", flush=True)


def v1(client):
    status, data, elapsed = client.request("POST", "/v1/executions?wait=true", V1_JOB)
    ok = status == 200 and isinstance(data, dict) and (data.get("run") or {}).get("stdout") == "1\n"
    return ok, elapsed, None if ok else f"{status} {str(data)[:120]}"


def piston(client):
    status, data, elapsed = client.request("POST", "/api/v2/execute", PISTON_JOB)
    ok = status == 200 and isinstance(data, dict) and (data.get("run") or {}).get("stdout") == "1\n"
    return ok, elapsed, None if ok else f"{status} {str(data)[:120]}"


def main(argv):
    out_path = argv[1]
    url, key = os.environ["BENCH_URL"].rstrip("/"), os.environ["BENCH_KEY"]
    n = bench.env_int("GOZO_BENCH_PISTON_N", 50)
    think = bench.env_int("GOZO_BENCH_THINK_MS", 150) / 1000
    client = bench.Client(url, key)
    times = {"v1": [], "piston": []}
    pairs, errors = [], []
    say(f"{WARMUP_PAIRS} warm-up pairs, then {n} pairs of python print(1), {think * 1000:.0f} ms apart")
    for i in range(WARMUP_PAIRS + n):
        order = [("v1", v1), ("piston", piston)]
        if i % 2:
            order.reverse()
        pair = {}
        for name, send in order:
            time.sleep(think)
            ok, elapsed, error = send(client)
            if not ok:
                errors.append(f"{name}: {error}")
                continue
            pair[name] = elapsed
        if i >= WARMUP_PAIRS and len(pair) == 2:
            times["v1"].append(pair["v1"])
            times["piston"].append(pair["piston"])
            pairs.append(pair["piston"] - pair["v1"])
    client.close()
    result = {name: bench.summary(values) for name, values in times.items()}
    if times["v1"] and times["piston"]:
        result["delta_p50_ms"] = round(result["piston"]["p50_ms"] - result["v1"]["p50_ms"], 1)
        result["paired_delta_median_ms"] = round(statistics.median(pairs), 1)
    result["errors"] = len(errors)
    result["first_errors"] = errors[:3]
    with open(out_path, "w") as f:
        json.dump({"piston": result}, f, indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv)
