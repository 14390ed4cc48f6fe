-- GET /Users/{id}, a random seeded user per request (ids from $WRK_DATA/ids.txt).
package.path = package.path .. ";bench/wrk/?.lua"
local common = require("common")
local ids

function init(args)
  ids = common.lines(os.getenv("WRK_DATA") .. "/ids.txt")
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  return wrk.format("GET", wrk.path .. "/Users/" .. ids[math.random(#ids)])
end

done = common.done
