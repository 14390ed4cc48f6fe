-- The trivial Kestrel endpoint (bench/ScimProvisioning.Bench serve-ceiling): the machine's limit for one GET.
package.path = package.path .. ";bench/wrk/?.lua"
local common = require("common")

function request()
  return wrk.format("GET", "/ping")
end

done = common.done
