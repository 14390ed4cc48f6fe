-- wrk script: POST /Users with a fresh userName per request (thread id and counter), for the recorder on/off benchmark.
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function request()
  counter = counter + 1
  local name = string.format("w%d-%d-%d@bench.example", thread_id, counter, math.random(1, 1000000000))
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. name ..
    '","emails":[{"value":"' .. name .. '","primary":true}],"active":true}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/scim+json", ["Authorization"] = wrk.headers["Authorization"] }, body)
end
