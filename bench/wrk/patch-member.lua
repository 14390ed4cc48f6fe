-- PATCH /Groups/{id} removing then adding back one member of the largest group, alternately (one client, one
-- request at a time: the latency of a single membership change). $WRK_GROUP and $WRK_MEMBER name them.
package.path = package.path .. ";bench/wrk/?.lua"
local common = require("common")
local group, member
local remove = true

function init(args)
  group = os.getenv("WRK_GROUP")
  member = os.getenv("WRK_MEMBER")
end

function request()
  local body
  if remove then
    body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":' ..
      '"members[value eq \\"' .. member .. '\\"]"}]}'
  else
    body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members",' ..
      '"value":[{"value":"' .. member .. '"}]}]}'
  end
  remove = not remove
  return wrk.format("PATCH", wrk.path .. "/Groups/" .. group, scim_headers(), body)
end

done = common.done
