-- GET /Users?filter=userName eq "…", a random seeded userName per request (upper-cased: matching is case-insensitive),
-- as Entra and Okta look up every user they match. The requests are built once in init(), as get-user.lua's are: wrk
-- shares the server's two cores, and escaping a name per request cost wrk 29 µs of CPU per request against 21 µs
-- for a GET.
package.path = package.path .. ";bench/wrk/?.lua"
local common = require("common")
local requests

local function escape(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  requests = {}
  for _, name in ipairs(common.lines(os.getenv("WRK_DATA") .. "/usernames.txt")) do
    local filter = escape('userName eq "' .. string.upper(name) .. '"')
    requests[#requests + 1] = wrk.format("GET", wrk.path .. "/Users?filter=" .. filter)
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  return requests[math.random(#requests)]
end

done = common.done
