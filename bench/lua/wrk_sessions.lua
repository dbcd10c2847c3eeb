-- wrk script of `make bench` (bench/wrk.py): every request carries one of the signed-in sessions
-- given in BENCH_SESSIONS (comma-separated session keys; empty: not signed in), in turn, plus a
-- matching CSRF cookie. At the end, one JSON line with the counts and latency percentiles (microseconds).
local sessions = {}
for key in string.gmatch(os.getenv("BENCH_SESSIONS") or "", "[^,]+") do
  sessions[#sessions + 1] = key
end
local csrf = "b" .. string.rep("b", 31)
local prepared = {}
local turn = 0

function init(args)
  if #sessions == 0 then
    prepared[1] = wrk.format(nil, nil, { ["Cookie"] = "csrftoken=" .. csrf })
  end
  for i, key in ipairs(sessions) do
    prepared[i] = wrk.format(nil, nil, { ["Cookie"] = "csrftoken=" .. csrf .. "; sessionid=" .. key })
  end
end

function request()
  turn = turn % #prepared + 1
  return prepared[turn]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
