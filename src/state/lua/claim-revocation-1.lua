--[[
  Claim the single revocation of a token.

  A claim is "<decision id>" while its revocation is being delivered and
  "<decision id>:done" once confirm-revocation-2 recorded the delivery. A
  redelivered decision (same id) is granted again only while the claim is
  pending, so a crash between claim and delivery republishes it, while a
  batch re-read after delivery does not revoke twice.

  "<decision id>:withdrawn" is a revocation an operator took back
  (withdraw-revocation-2): a new decision may claim the token again, the
  withdrawn decision itself (a redelivery) may not.

  Input:
    KEYS[1] revocation string   the claim, as above

    ARGV[1] decision id
    ARGV[2] claim ttl ms (the token's remaining lifetime plus a margin)

  Output:
    { granted, holder }
    granted  1 when this call set the claim or the same decision holds it
             and has not been delivered yet, 0 otherwise
    holder   the decision id holding the claim (without ":done")
    -1       bad arguments
]]
local key = KEYS[1]
local decision = ARGV[1]
local ttl = tonumber(ARGV[2])
if not ttl or ttl < 1 or #ARGV ~= 2 then
  return -1
end

-- NX: the first decision wins and its TTL is never extended by later ones.
if redis.call("SET", key, decision, "NX", "PX", ttl) then
  return { 1, decision }
end

local claim = redis.call("GET", key)
if claim == decision then
  return { 1, decision }
end
local withdrawn = string.match(claim, "^(.*):withdrawn$")
if withdrawn == decision then
  return { 0, decision }
end
if withdrawn then
  redis.call("SET", key, decision, "PX", ttl)
  return { 1, decision }
end
local holder = string.gsub(claim, ":done$", "")
return { 0, holder }
