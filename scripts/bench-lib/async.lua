-- wrk script for scripts/bench: POST /v1/executions (no wait) as fast as the connections allow.
-- Reads BENCH_KEY from the environment; counts 202 answers separately from everything else and
-- prints one "BENCH-JSON {...}" line at the end for scripts/bench-lib/bench.py.

wrk.method = "POST"
wrk.path = "/v1/executions"
wrk.body = '{"language":"python","files":[{"name":"main.py","content":"print(1)"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  accepted = 0
  other = 0
  statuses = {}
end

function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
  else
    other = other + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local acc, oth, counts = 0, 0, {}
  for _, thread in ipairs(threads) do
    acc = acc + thread:get("accepted")
    oth = oth + thread:get("other")
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"duration_us":%d,"requests":%d,"accepted":%d,"other":%d,"statuses":{%s},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.duration, summary.requests, acc, oth, table.concat(parts, ","),
    e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
