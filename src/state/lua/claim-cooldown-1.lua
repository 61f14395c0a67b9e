--[[
  Claim a rule's cooldown for a token at event time ts.

  Input:
    KEYS[1] cooldown hash   rule id -> "<fired at ts>:<decision id>"

    ARGV[1] rule id
    ARGV[2] ts, event time of the decision (epoch ms, integer)
    ARGV[3] cooldown ms
    ARGV[4] decision id
    ARGV[5] key ttl ms; the key keeps the longer of its current TTL and this

  Output:
     1  granted: the rule had not fired within the cooldown before ts
     2  granted: this decision already holds the claim (redelivery)
     0  denied: the rule fired at f with f > ts - cooldown
        (a firing after ts also denies, so late decisions do not repeat it)
    -1  bad arguments
]]
local key = KEYS[1]
local rule = ARGV[1]
local ts = tonumber(ARGV[2])
local cooldown = tonumber(ARGV[3])
local decision = ARGV[4]
local ttl = tonumber(ARGV[5])
if not ts or not cooldown or not ttl or #ARGV ~= 5 then
  return -1
end

local current = redis.call("HGET", key, rule)
if current then
  local separator = string.find(current, ":", 1, true)
  local firedAt = tonumber(string.sub(current, 1, separator - 1))
  if string.sub(current, separator + 1) == decision then
    return 2
  end
  if firedAt > ts - cooldown then
    return 0
  end
end

redis.call("HSET", key, rule, ARGV[2] .. ":" .. decision)

-- PTTL is -1 without a TTL and -2 without the key; both are below any ttl.
if redis.call("PTTL", key) < ttl then
  redis.call("PEXPIRE", key, ttl)
end
return 1
