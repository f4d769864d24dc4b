"""Warms a freshly started GozoLite up before scripts/run says it is ready.

    python3 scripts/lib/warmup.py URL API_KEY JOBS

Sends JOBS python print(1) jobs one after the other through the whole path (HTTP, Kafka, a
worker, a fresh sandbox, the result back) with ?wait=true. The JVMs compile their hot paths
while these run: on a 2-CPU machine the first ~100 jobs after a start took 45-66 ms (p50 of
series of 40), later ones 33-36 ms (docs/benchmarks.md, "Where a paced job's 35-40 ms go").
It also proves the pipeline works before anyone is told so. Stops after 60 s whatever happens.
Exit status 1 when no job succeeded (the system does not work); otherwise 0, with a summary.
"""
import http.client
import json
import sys
import time
from urllib.parse import urlparse

JOB = json.dumps({"language": "python", "files": [{"name": "main.py", "content": "print(1)"}]})


def main(url, key, jobs):
    target = urlparse(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
    deadline = time.monotonic() + 60
    times, failures = [], []
    for _ in range(jobs):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        try:
            connection.request("POST", "/v1/executions?wait=true", JOB, headers)
            response = connection.getresponse()
            body = response.read()
            result = json.loads(body) if body else {}
        except (OSError, ValueError, http.client.HTTPException) as error:
            failures.append(str(error))
            connection.close()
            continue
        if response.status == 200 and result.get("status") == "SUCCEEDED":
            times.append((time.perf_counter() - started) * 1000)
        else:
            failures.append(f"HTTP {response.status}: {body[:200]!r}")
    if not times:
        print(f"no warm-up job succeeded ({len(failures)} tried): {failures[:1]}")
        return 1
    last = sorted(times[-10:])
    print(f"{len(times)} jobs succeeded, {len(failures)} failed; the last 10 took"
          f" {last[len(last) // 2]:.0f} ms (median)"
          + (f"; first failure: {failures[0]}" if failures else ""))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
