--[[
  Write tokens' state snapshots, each unless it changed since it was read:
  the compare-and-set that makes a batch's read, apply (in Node, by
  token-state.ts) and write one atomic step per token. When another process
  wrote a token in between, or its revocation time changed, that token is
  not written and the caller reads it again and reapplies.

  One call takes many tokens on a single server (one command is far cheaper
  for the client than one per token) and one token on a Cluster, where a
  call's keys must share a slot.

  Input, for tokens i = 1 … n:
    KEYS[2i - 1]  state string     "[<version>,...]" (token-snapshot.ts)
    KEYS[2i]      revoked string   revocation event time (ms), absent when not revoked

    ARGV[1]       ttl ms of both keys
    ARGV[3i - 1]  the version that was read, "0" when the state was absent
    ARGV[3i]      the revocation time that was read, "" when absent
    ARGV[3i + 1]  the new snapshot (its version is the one read + 1)

  Output:
    { status per token }  1 written, 0 changed since it was read (not written),
                          2 the state key holds another type (not written)
    -1                    bad arguments
]]
local n = #KEYS / 2
local ttl = ARGV[1]
if n < 1 or n % 1 ~= 0 or #ARGV ~= 1 + 3 * n or not tonumber(ttl) then
  return -1
end

local statuses = {}
for i = 1, n do
  local stateKey, revokedKey = KEYS[2 * i - 1], KEYS[2 * i]
  local current = redis.pcall("GET", stateKey)
  local version = "0"
  if type(current) == "table" and current.err then
    version = nil
  elseif current then
    version = string.match(current, "^%[(%d+),") or ""
  end
  local revokedAt = redis.call("GET", revokedKey) or ""
  if version == nil then
    statuses[i] = 2
  elseif version ~= ARGV[3 * i - 1] or revokedAt ~= ARGV[3 * i] then
    statuses[i] = 0
  else
    redis.call("SET", stateKey, ARGV[3 * i + 1], "PX", ttl)
    if revokedAt ~= "" then
      redis.call("PEXPIRE", revokedKey, ttl)
    end
    statuses[i] = 1
  end
end
return statuses
