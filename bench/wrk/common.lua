-- Shared by the wrk scenarios (bench/wrk.sh): reading a list file, and one JSON result line at the end of a run.
local common = {}

function common.lines(path)
  local list = {}
  for line in io.lines(path) do
    if #line > 0 then list[#list + 1] = line end
  end
  return list
end

-- wrk calls done() once with the run's totals; latencies are in microseconds.
function common.done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"seconds":%.3f,"per_s":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end

-- Headers of a request with a body: wrk.format drops the -H headers once a table is given, so the token is copied.
function scim_headers()
  return { ["Content-Type"] = "application/scim+json", ["Authorization"] = wrk.headers["Authorization"] }
end

return common
