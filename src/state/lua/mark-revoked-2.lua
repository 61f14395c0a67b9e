--[[
  Record when a token was revoked, once: later 401/403 responses of the
  token are the gateway enforcing it and must feed no statistic.

  Input:
    KEYS[1] state string     the token's state (store-state-2)
    KEYS[2] revoked string   revocation event time (ms)

    ARGV[1] revocation event time (epoch ms, integer)

  Output:
    1  recorded (or already recorded: the first time wins)
    0  the token has no state; nothing written
]]
local ttl = redis.call("PTTL", KEYS[1])
if ttl <= 0 then
  return 0
end
redis.call("SET", KEYS[2], ARGV[1], "NX", "PX", ttl)
return 1
