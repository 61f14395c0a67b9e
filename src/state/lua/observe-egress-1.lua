--[[
  Count the distinct tokens using one client network within one hour of
  event time, to learn shared egress (CGNAT, corporate proxies): addresses
  that many tokens use at once are not one person's network.

  Input:
    KEYS[1] egress set   token fingerprints seen on the network in the hour

    ARGV[1] key ttl ms (two hours: the hour and the next)
    ARGV[2] cap: members beyond it are not stored (the count stops there)
    ARGV[3..] token fingerprints

  Output:
    the number of distinct tokens, at most the cap
]]
local cap = tonumber(ARGV[2])
local size = redis.call("SCARD", KEYS[1])
for i = 3, #ARGV do
  if size >= cap then
    break
  end
  size = size + redis.call("SADD", KEYS[1], ARGV[i])
end
redis.call("PEXPIRE", KEYS[1], ARGV[1])
return size
