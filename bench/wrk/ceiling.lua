-- The trivial Kestrel endpoint (bench/ScimProvisioning.Bench serve-ceiling): the machine's limit for one GET. The
-- request is built once, as the read scenarios' are.
package.path = package.path .. ";bench/wrk/?.lua"
local common = require("common")
local ping

function init(args)
  ping = wrk.format("GET", "/ping")
end

function request()
  return ping
end

done = common.done
