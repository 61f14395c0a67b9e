--[[
  Withdraw a token's revocation (`tokenwatch revocations undo`): end every
  effect our revocation has on the token's state, atomically, so several
  processes see the token either revoked or not.

  The claim is kept, renamed "<decision id>:withdrawn" with its TTL, for two
  reasons: a second undo can tell "already withdrawn" from "never revoked",
  and a redelivered copy of the withdrawn decision is not granted the claim
  again. A new decision may claim the token (claim-revocation-1).

  Input:
    KEYS[1] revocation string   the claim (see claim-revocation-1)
    KEYS[2] revoked string      revocation event time (ms)

  Output:
    { claim, holder, revokedAt }   the state before this call
    claim      "none", "pending", "delivered" or "withdrawn"
    holder     the decision id of the claim, "" when there is none
    revokedAt  the revocation time, "" when unset
]]
local claim = redis.call("GET", KEYS[1])
local revokedAt = redis.call("GET", KEYS[2]) or ""

local state = "none"
local holder = ""
if claim then
  holder = string.gsub(claim, ":done$", "")
  holder = string.gsub(holder, ":withdrawn$", "")
  if string.find(claim, ":withdrawn$") then
    state = "withdrawn"
  elseif string.find(claim, ":done$") then
    state = "delivered"
  else
    state = "pending"
  end
end

if state == "pending" or state == "delivered" then
  -- KEEPTTL: the mark lives as long as the claim would have.
  redis.call("SET", KEYS[1], holder .. ":withdrawn", "KEEPTTL")
end
redis.call("DEL", KEYS[2])
return { state, holder, revokedAt }
