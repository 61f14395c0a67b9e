--[[
  Apply one token's observations in order, atomically, and report the
  statistics that need the sorted sets. The request-rate windows are
  computed by the caller from the returned snapshot (src/state/request-timeline.ts),
  which replays the same bucket rule this script writes.

  Input:
    KEYS[1] meta hash     f first seen, l newest ts, t total,
                          o:<partition> highest applied offset,
                          h<0..23> requests in that UTC hour of day
    KEYS[2] bucket hash   minute (floor(ts / 60000)) -> request count
    KEYS[3] network zset  network -> last-seen ts
    KEYS[4] agent zset    user-agent family -> last-seen ts

    ARGV[1] ttl ms for every key, refreshed when anything is applied
    ARGV[2] max networks remembered
    ARGV[3] max user agents remembered
    then five ARGV per observation, in order:
    ARGV[3+5i+1] ts (epoch ms, integer)
    ARGV[3+5i+2] network
    ARGV[3+5i+3] user-agent family
    ARGV[3+5i+4] partition key
    ARGV[3+5i+5] offset, or "" for no duplicate check

  Output:
    { meta, buckets, stats }
    meta     { f, l, t } as before this call (nil when absent)
    buckets  the bucket hash as before this call, flat field/value
    stats    seven integers per observation, in order:
             duplicate (0/1), networks5m, networks1h, userAgents1h,
             networkSeenBefore (0/1), userAgentSeenBefore (0/1), hourOfDayCount
    -1       the argument count does not match
]]
local metaKey = KEYS[1]
local bucketKey = KEYS[2]
local networkKey = KEYS[3]
local agentKey = KEYS[4]

-- Window lengths in ms; src/state/windows.ts holds the same numbers.
local MINUTE = 60000
local FIVE_MINUTES = 300000
local HOUR = 3600000
local RETAINED = 60
local PER_OBSERVATION = 5

local ttl = ARGV[1]
local maxNetworks = tonumber(ARGV[2])
local maxAgents = tonumber(ARGV[3])
local count = (#ARGV - 3) / PER_OBSERVATION
if count < 1 or count % 1 ~= 0 or not maxNetworks or not maxAgents then
  return -1
end

local meta = redis.call("HMGET", metaKey, "f", "l", "t")
local firstSeen = tonumber(meta[1])
local newest = tonumber(meta[2])
local total = tonumber(meta[3]) or 0

local stored = redis.call("HGETALL", bucketKey)
local counts = {}
for i = 1, #stored, 2 do
  counts[tonumber(stored[i])] = tonumber(stored[i + 1])
end

-- Highest applied offset per partition: false once looked up and absent.
local offsets = {}
local changedOffsets = {}
local changedMinutes = {}
local applied = false

local networkCount = redis.call("ZCARD", networkKey)
local agentCount = redis.call("ZCARD", agentKey)

-- Whether member was last seen within the hour before ts; a late event
-- counts a member seen after it as seen, since only last-seen is kept.
local function seenBefore(key, member, ts)
  local last = tonumber(redis.call("ZSCORE", key, member))
  return last, (last ~= nil and last > ts - HOUR)
end

-- Last-seen only moves forward; a new member may push out the least
-- recently seen one (lowest score, then lowest member bytes).
local function touch(key, member, tsArg, ts, last, size, limit)
  if last == nil then
    redis.call("ZADD", key, tsArg, member)
    size = size + 1
    if size > limit then
      redis.call("ZREMRANGEBYRANK", key, 0, size - limit - 1)
      size = limit
    end
  elseif ts > last then
    redis.call("ZADD", key, tsArg, member)
  end
  return size
end

-- An exclusive ZCOUNT bound; %d keeps 13-digit times out of exponent form.
local function after(ts)
  return string.format("(%d", ts)
end

local function isDuplicate(partition, offsetArg)
  if offsetArg == "" then
    return false
  end
  local known = offsets[partition]
  if known == nil then
    known = tonumber(redis.call("HGET", metaKey, "o:" .. partition)) or false
    offsets[partition] = known
  end
  local offset = tonumber(offsetArg)
  if known and offset <= known then
    return true
  end
  offsets[partition] = offset
  changedOffsets[partition] = offsetArg
  return false
end

local stats = {}
for i = 0, count - 1 do
  local base = 3 + i * PER_OBSERVATION
  local tsArg = ARGV[base + 1]
  local ts = tonumber(tsArg)
  local network = ARGV[base + 2]
  local agent = ARGV[base + 3]
  local duplicate = isDuplicate(ARGV[base + 4], ARGV[base + 5])
  local hourField = "h" .. (math.floor(ts / HOUR) % 24)

  local lastNetwork, networkSeen = seenBefore(networkKey, network, ts)
  local lastAgent, agentSeen = seenBefore(agentKey, agent, ts)
  local hourCount

  if duplicate then
    hourCount = tonumber(redis.call("HGET", metaKey, hourField)) or 0
  else
    applied = true
    total = total + 1
    if firstSeen == nil or ts < firstSeen then firstSeen = ts end
    if newest == nil or ts > newest then newest = ts end

    local minute = math.floor(ts / MINUTE)
    if minute >= math.floor(newest / MINUTE) - RETAINED then
      counts[minute] = (counts[minute] or 0) + 1
      changedMinutes[minute] = true
    end

    networkCount = touch(networkKey, network, tsArg, ts, lastNetwork, networkCount, maxNetworks)
    agentCount = touch(agentKey, agent, tsArg, ts, lastAgent, agentCount, maxAgents)
    hourCount = redis.call("HINCRBY", metaKey, hourField, 1)
  end

  local n = #stats
  stats[n + 1] = duplicate and 1 or 0
  stats[n + 2] = redis.call("ZCOUNT", networkKey, after(ts - FIVE_MINUTES), "+inf")
  stats[n + 3] = redis.call("ZCOUNT", networkKey, after(ts - HOUR), "+inf")
  stats[n + 4] = redis.call("ZCOUNT", agentKey, after(ts - HOUR), "+inf")
  stats[n + 5] = networkSeen and 1 or 0
  stats[n + 6] = agentSeen and 1 or 0
  stats[n + 7] = hourCount
end

if applied then
  local metaArgs = { "f", firstSeen, "l", newest, "t", total }
  for partition, offsetArg in pairs(changedOffsets) do
    metaArgs[#metaArgs + 1] = "o:" .. partition
    metaArgs[#metaArgs + 1] = offsetArg
  end
  redis.call("HSET", metaKey, unpack(metaArgs))

  -- Keep the newest minute and the 60 before it; older buckets never count.
  local floor = math.floor(newest / MINUTE) - RETAINED
  local bucketArgs = {}
  for minute in pairs(changedMinutes) do
    if minute >= floor then
      bucketArgs[#bucketArgs + 1] = minute
      bucketArgs[#bucketArgs + 1] = counts[minute]
    end
  end
  if #bucketArgs > 0 then
    redis.call("HSET", bucketKey, unpack(bucketArgs))
  end

  local expired = {}
  for i = 1, #stored, 2 do
    if tonumber(stored[i]) < floor then
      expired[#expired + 1] = stored[i]
    end
  end
  if #expired > 0 then
    redis.call("HDEL", bucketKey, unpack(expired))
  end

  for i = 1, #KEYS do
    redis.call("PEXPIRE", KEYS[i], ttl)
  end
end

return { meta, stored, stats }
