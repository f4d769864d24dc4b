#!/usr/bin/env python3
"""The bench's "live" phase (issue 14): what streaming, interactive runs and many watchers cost.

    live.py OUT.json        with BENCH_URL, BENCH_KEY (and BENCH_GATEWAY_PIDS for RSS) set

Figures:
  first_byte   the first stdout byte of a streamed python print, through
               GET /v1/executions/{id}/events, against the same job's result time without
               streaming (POST ?wait=true); both from the moment the POST is sent, p50.
  echo         interactive echo round trip over the WebSocket GET /v1/executions/interactive:
               the client sends a line, the program echoes it, the client receives it
               (gateway -> Kafka -> worker -> Kafka -> gateway), 200 lines.
  subscribers  200 SSE subscribers to running jobs at once; the gateway's RSS while they
               watch, and whether every one of them received its job's result.

Standard library only (no PyPI here): the WebSocket client below is the minimum of RFC 6455
the gateway needs. Talks to 127.0.0.1 only.
"""
import base64
import http.client
import json
import os
import socket
import statistics
import struct
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (percentile, summary, read_rss_mib, Client)


def say(message):
    print(f"==> bench live: {message}", flush=True)


def python_job(code, **extra):
    job = {"language": "python", "files": [{"name": "main.py", "content": code}]}
    job.update(extra)
    return job


# --- SSE -----------------------------------------------------------------------------------

class EventStream:
    """GET /v1/executions/{id}/events, read event by event (the body is chunked)."""

    def __init__(self, port, key, job_id, last_event_id=None, timeout=60):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        headers = {"Accept": "text/event-stream", "Authorization": f"Bearer {key}"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.conn.request("GET", f"/v1/executions/{job_id}/events", headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.buffer = b""

    def _line(self):
        while b"\n" not in self.buffer:
            chunk = self.response.read1(65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.rstrip(b"\r").decode()

    def next_event(self):
        """(name, id, data) of the next event; None when the stream ended."""
        name, event_id, data = "message", None, []
        while True:
            line = self._line()
            if line is None:
                return None
            if line == "":
                if data or event_id is not None:
                    return name, event_id, "\n".join(data)
                continue  # a heartbeat comment's blank line
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "id":
                event_id = value
            elif field == "data":
                data.append(value)

    def close(self):
        self.conn.close()


# --- WebSocket -----------------------------------------------------------------------------

class WebSocket:
    def __init__(self, port, path, key, timeout=60):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        nonce = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {nonce}\r\n"
                   f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {key}\r\n\r\n")
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise OSError("connection closed during the WebSocket handshake")
            head += chunk
        head, self.pending = head.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            raise OSError(f"WebSocket handshake refused: {status.decode(errors='replace')}")
        self.lock = threading.Lock()

    def send(self, message):
        payload = json.dumps(message).encode()
        header = bytearray([0x81])
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 65536:
            header.append(0x80 | 126)
            header += struct.pack(">H", len(payload))
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        with self.lock:
            self.sock.sendall(bytes(header) + mask + masked)

    def _read(self, n):
        while len(self.pending) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.pending += chunk
        data, self.pending = self.pending[:n], self.pending[n:]
        return data

    def receive(self):
        """The next text message as JSON; None once the server closed."""
        text = b""
        while True:
            try:
                b1, b2 = self._read(2)
            except EOFError:
                return None
            length = b2 & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(length)
            opcode = b1 & 0x0F
            if opcode == 8:
                return None
            if opcode == 9:  # ping: answer, keep reading
                with self.lock:
                    self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
                continue
            if opcode in (1, 0):
                text += payload
                if b1 & 0x80:
                    return json.loads(text)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --- phases --------------------------------------------------------------------------------

def first_byte(url, key, n):
    port = urllib.parse.urlsplit(url).port
    client = bench.Client(url, key)
    job = python_job("print('hello, stream')\n")
    plain, streamed, errors = [], [], 0
    for _ in range(3):  # warm both paths
        bench.run_job(client, job)
    for i in range(n):
        ok, elapsed, _ = bench.run_job(client, job)
        if ok:
            plain.append(elapsed)
        else:
            errors += 1
        started = time.perf_counter()
        status, data, _ = client.request("POST", "/v1/executions", job)
        if status != 202 or not isinstance(data, dict):
            errors += 1
            continue
        stream = EventStream(port, key, data["id"])
        try:
            while True:
                event = stream.next_event()
                if event is None:
                    errors += 1
                    break
                if event[0] == "stdout":
                    streamed.append((time.perf_counter() - started) * 1000)
                    while stream.next_event() is not None:  # to the result and the end
                        pass
                    break
        finally:
            stream.close()
        time.sleep(0.05)
    client.close()
    out = {"plain": bench.summary(plain), "streamed": bench.summary(streamed), "errors": errors}
    if plain and streamed:
        out["delta_p50_ms"] = round(statistics.median(streamed) - statistics.median(plain), 1)
    return out


def echo(url, key, lines):
    port = urllib.parse.urlsplit(url).port
    code = ("import sys\nwhile True:\n    line = sys.stdin.readline()\n    if not line:\n"
            "        break\n    sys.stdout.write(line)\n    sys.stdout.flush()\n")
    ws = WebSocket(port, "/v1/executions/interactive", key)
    ws.send(python_job(code, limits={"wallTimeMs": 30000, "cpuTimeMs": 20000}))
    rtts, seen, errors = [], "", 0
    try:
        while True:  # until the program runs
            message = ws.receive()
            if message is None or message.get("type") in ("result", "error"):
                return {"errors": 1, "detail": message}
            if message.get("type") == "stage" and message.get("stage") == "run":
                break
        for i in range(lines):
            line = f"line {i} of the echo test\n"
            started = time.perf_counter()
            ws.send({"type": "stdin", "data": line})
            while line not in seen:
                message = ws.receive()
                if message is None:
                    return {"errors": errors + 1, "rtt": bench.summary(rtts)}
                if message.get("type") == "stdout":
                    seen += message.get("data", "")
            rtts.append((time.perf_counter() - started) * 1000)
            seen = seen.split(line, 1)[1]
        ws.send({"type": "stdin", "eof": True})
        status = None
        while True:
            message = ws.receive()
            if message is None:
                break
            if message.get("type") == "result":
                status = message.get("status")
    finally:
        ws.close()
    return {"rtt": bench.summary(rtts), "lines": len(rtts), "final_status": status,
            "errors": errors}


def subscribers(url, key, jobs, per_job):
    port = urllib.parse.urlsplit(url).port
    client = bench.Client(url, key)
    code = ("import time\nfor i in range(30):\n    print('tick', i, flush=True)\n"
            "    time.sleep(0.5)\n")
    ids = []
    for _ in range(jobs):
        status, data, _ = client.request(
            "POST", "/v1/executions", python_job(code, limits={"wallTimeMs": 30000}))
        if status == 202:
            ids.append(data["id"])
    client.close()
    results, lock = {"ok": 0, "failed": 0}, threading.Lock()

    def watch(job_id):
        ok = False
        try:
            stream = EventStream(port, key, job_id, timeout=90)
            while True:
                event = stream.next_event()
                if event is None:
                    break
                if event[0] == "result":
                    ok = True
            stream.close()
        except OSError:
            pass
        with lock:
            results["ok" if ok else "failed"] += 1

    threads = [threading.Thread(target=watch, args=(job_id,), daemon=True)
               for job_id in ids for _ in range(per_job)]
    for thread in threads:
        thread.start()
    pids = os.environ.get("BENCH_GATEWAY_PIDS", "").split()
    peak = {}
    while any(thread.is_alive() for thread in threads):
        for pid in pids:
            value = bench.read_rss_mib(pid)
            if value is not None:
                peak[pid] = max(peak.get(pid, 0), value)
        time.sleep(0.5)
    for thread in threads:
        thread.join()
    return {"subscribers": len(threads), "jobs": len(ids), "received_result": results["ok"],
            "failed": results["failed"],
            "gateway_peak_rss_mb": {pid: round(mib * 1.048576, 1) for pid, mib in peak.items()}}


def main(argv):
    out_path = argv[1]
    url, key = os.environ["BENCH_URL"].rstrip("/"), os.environ["BENCH_KEY"]
    result = {}
    say("first output byte, streamed vs. not (30 pairs)")
    result["first_byte"] = first_byte(url, key, bench.env_int("GOZO_BENCH_LIVE_N", 30))
    say("interactive echo round trip (200 lines)")
    result["echo"] = echo(url, key, bench.env_int("GOZO_BENCH_ECHO_LINES", 200))
    say("200 SSE subscribers to running jobs")
    result["subscribers"] = subscribers(url, key, bench.env_int("GOZO_BENCH_SSE_JOBS", 8),
                                        bench.env_int("GOZO_BENCH_SSE_PER_JOB", 25))
    with open(out_path, "w") as f:
        json.dump({"live": result}, f, indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv)
