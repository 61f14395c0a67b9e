--[[
  Write a token's state snapshot unless it changed since it was read: the
  compare-and-set that makes a batch's read, apply (in Node, by
  token-state.ts) and write one atomic step per token. When another process
  wrote in between, or the token's revocation time changed, nothing is
  written and the caller reads again and reapplies.

  Input:
    KEYS[1] state string     "[<version>,...]" (token-snapshot.ts)
    KEYS[2] revoked string   revocation event time (ms), absent when not revoked

    ARGV[1] the version that was read, "0" when the state was absent
    ARGV[2] the revocation time that was read, "" when absent
    ARGV[3] the new snapshot (its version is ARGV[1] + 1)
    ARGV[4] ttl ms of both keys

  Output:
    1   written
    0   changed since it was read; nothing written
    -1  bad arguments
]]
if #ARGV ~= 4 or not tonumber(ARGV[4]) then
  return -1
end

local current = redis.call("GET", KEYS[1])
local version = "0"
if current then
  version = string.match(current, "^%[(%d+),") or ""
end
local revokedAt = redis.call("GET", KEYS[2]) or ""
if version ~= ARGV[1] or revokedAt ~= ARGV[2] then
  return 0
end

redis.call("SET", KEYS[1], ARGV[3], "PX", ARGV[4])
if revokedAt ~= "" then
  redis.call("PEXPIRE", KEYS[2], ARGV[4])
end
return 1
