-- GET /Users/{id}, a random seeded user per request (ids from $WRK_DATA/ids.txt). The requests are built once in
-- init(): wrk shares the server's two cores, so what it does per request is kept to picking one.
package.path = package.path .. ";bench/wrk/?.lua"
local common = require("common")
local requests

function init(args)
  requests = {}
  for _, id in ipairs(common.lines(os.getenv("WRK_DATA") .. "/ids.txt")) do
    requests[#requests + 1] = wrk.format("GET", wrk.path .. "/Users/" .. id)
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  return requests[math.random(#requests)]
end

done = common.done
