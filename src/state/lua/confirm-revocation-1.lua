--[[
  Record that a claimed revocation was delivered to its outputs.

  Input:
    KEYS[1] revocation string   the claim (see claim-revocation-1)

    ARGV[1] decision id

  Output:
    1   the claim was this decision's and is now marked delivered
    0   the claim is missing, another decision's, or already marked
    -1  bad arguments
]]
local key = KEYS[1]
local decision = ARGV[1]
if not decision or #ARGV ~= 1 then
  return -1
end

if redis.call("GET", key) ~= decision then
  return 0
end
-- KEEPTTL: delivery does not extend how long the token stays denied.
redis.call("SET", key, decision .. ":done", "KEEPTTL")
return 1
