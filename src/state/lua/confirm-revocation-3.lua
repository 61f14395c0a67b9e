--[[
  Record that a claimed revocation was delivered to its outputs, and when
  the token was revoked, in one step: an operator's withdrawal
  (withdraw-revocation-2) can then never land between the two and leave a
  withdrawn token marked revoked.

  Input:
    KEYS[1] revocation string   the claim (see claim-revocation-1)
    KEYS[2] state string        the token's state (store-state-2)
    KEYS[3] revoked string      revocation event time (ms)

    ARGV[1] decision id
    ARGV[2] revocation event time (epoch ms, integer)

  Output:
    1   the claim was this decision's and is now marked delivered
    0   the claim is missing, another decision's, or already marked
    -1  bad arguments
]]
local key = KEYS[1]
local decision, revokedAt = ARGV[1], tonumber(ARGV[2])
if not decision or not revokedAt or #ARGV ~= 2 then
  return -1
end

if redis.call("GET", key) ~= decision then
  return 0
end
-- KEEPTTL: delivery does not extend how long the token stays denied.
redis.call("SET", key, decision .. ":done", "KEEPTTL")
-- The first time wins. It lives as long as the token's state, whose writes
-- renew both; a token without state gets nothing.
local ttl = redis.call("PTTL", KEYS[2])
if ttl > 0 then
  redis.call("SET", KEYS[3], ARGV[2], "NX", "PX", ttl)
end
return 1
