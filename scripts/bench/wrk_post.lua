-- wrk script for scripts/bench-serve: POSTs the JSON file BENCH_BODY (with `Authorization:
-- Bearer BENCH_TOKEN` when that is set) and, when done, prints one `bench:` line for the
-- script to read: requests, seconds, rate, latency percentiles (p50/p99/p99.9) and errors.
-- With BENCH_COUNT_STATUS=1 it also counts every response's status (a 429 told apart by
-- which limit refused it: "this user" or "this address") and prints a `bench-status:` line;
-- that costs wrk a parse of every response, so the throughput runs leave it unset.
-- An empty BENCH_BODY makes the requests GETs without a body (the /healthz floor run).
local body_file = os.getenv("BENCH_BODY")
if body_file and body_file ~= "" then
  local file = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  file:close()
  wrk.headers["Content-Type"] = "application/json"
end
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

if os.getenv("BENCH_COUNT_STATUS") == "1" then
  counts = {}
  function response(status, headers, body)
    local key = tostring(status)
    if status == 429 then
      if body:find("this user", 1, true) then
        key = "429-user"
      elseif body:find("this address", 1, true) then
        key = "429-address"
      end
    end
    counts[key] = (counts[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "bench: requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f " ..
    "non2xx3xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, errors.status, errors.connect, errors.read, errors.write, errors.timeout))
  if os.getenv("BENCH_COUNT_STATUS") == "1" then
    local total = {}
    for _, thread in ipairs(threads) do
      local counted = thread:get("counts") or {}
      for key, n in pairs(counted) do
        total[key] = (total[key] or 0) + n
      end
    end
    local keys = {}
    for key in pairs(total) do table.insert(keys, key) end
    table.sort(keys)
    local parts = {}
    for _, key in ipairs(keys) do table.insert(parts, key .. "=" .. total[key]) end
    io.write("bench-status: " .. table.concat(parts, " ") .. "\n")
  end
end
