--[[
  Record when a token was revoked, once: later 401/403 responses of the
  token are the gateway enforcing it and must feed no statistic.

  Input:
    KEYS[1] meta hash   field rv: revocation event time (ms)

    ARGV[1] revocation event time (epoch ms, integer)

  Output:
    1  recorded (or already recorded: the first time wins)
    0  the token has no state; nothing written, so no key without a TTL
]]
if redis.call("EXISTS", KEYS[1]) == 0 then
  return 0
end
redis.call("HSETNX", KEYS[1], "rv", ARGV[1])
return 1
