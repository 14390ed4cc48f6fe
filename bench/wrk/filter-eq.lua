-- GET /Users?filter=userName eq "…", a random seeded userName per request (upper-cased: matching is case-insensitive),
-- as Entra and Okta look up every user they match.
package.path = package.path .. ";bench/wrk/?.lua"
local common = require("common")
local names

function init(args)
  names = common.lines(os.getenv("WRK_DATA") .. "/usernames.txt")
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

local function escape(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  local name = string.upper(names[math.random(#names)])
  return wrk.format("GET", wrk.path .. "/Users?filter=" .. escape('userName eq "' .. name .. '"'))
end

done = common.done
