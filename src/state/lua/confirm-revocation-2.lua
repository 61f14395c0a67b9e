--[[
  Record that a claimed revocation was delivered to its outputs, and when
  the token was revoked, in one step: an operator's withdrawal
  (withdraw-revocation-2) can then never land between the two and leave a
  withdrawn token marked revoked.

  Input:
    KEYS[1] revocation string   the claim (see claim-revocation-1)
    KEYS[2] meta hash           field rv: revocation event time (ms)

    ARGV[1] decision id
    ARGV[2] revocation event time (epoch ms, integer)

  Output:
    1   the claim was this decision's and is now marked delivered
    0   the claim is missing, another decision's, or already marked
    -1  bad arguments
]]
local key, meta = KEYS[1], KEYS[2]
local decision, revokedAt = ARGV[1], tonumber(ARGV[2])
if not decision or not revokedAt or #ARGV ~= 2 then
  return -1
end

if redis.call("GET", key) ~= decision then
  return 0
end
-- KEEPTTL: delivery does not extend how long the token stays denied.
redis.call("SET", key, decision .. ":done", "KEEPTTL")
-- The first time wins; a token without state gets no key without a TTL.
if redis.call("EXISTS", meta) == 1 then
  redis.call("HSETNX", meta, "rv", ARGV[2])
end
return 1
