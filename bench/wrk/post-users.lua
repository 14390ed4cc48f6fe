-- POST /Users with a fresh userName per request (thread, counter and a random part), as an IdP's new-hire wave.
package.path = package.path .. ";bench/wrk/?.lua"
local common = require("common")
local counter = 0
local threads = 0

-- Runs in the main state: each thread gets its number as the global thread_id (a local would hide it).
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + thread_id * 7919)
end

function request()
  counter = counter + 1
  local name = string.format("wrk%d-%d-%d@bench.example", thread_id, counter, math.random(1, 1000000000))
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. name ..
    '","emails":[{"value":"' .. name .. '","primary":true}],"active":true}'
  return wrk.format("POST", wrk.path .. "/Users", scim_headers(), body)
end

done = common.done
