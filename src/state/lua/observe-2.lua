--[[
  Apply one token's observations in order, atomically, and report the
  statistics that need stored state. The request-rate windows are computed
  by the caller from the returned snapshot (src/state/request-timeline.ts),
  which replays the same bucket rule this script writes. The rules are
  spelled out in src/state/windows.ts; memory-token-state.ts is the twin.

  Input:
    KEYS[1] meta hash     f first seen, l newest ts, t total,
                          o:<partition> highest applied offset,
                          w0..w6 hour-of-week levels (24 hex digits a day),
                          wd week of the last decay, ha last counted clock
                          hour, hc active hours, a:<asn> / c:<country>
                          last-seen ts, ll last location "lat,lon,km",
                          lt its ts, n1 / n2 last and previous network,
                          bq browser requests, rv revocation ts
    KEYS[2] bucket hash   minute -> request count; s<minute> alternations;
                          d<minute> 401/403 responses
    KEYS[3] network zset  network -> last-seen ts
    KEYS[4] agent zset    user-agent family -> last-seen ts

    ARGV[1] ttl ms for every key, refreshed when anything is applied
    ARGV[2] max networks, ARGV[3] max user agents, ARGV[4] max ASNs/countries
    then ten ARGV per observation, in order:
      ts, network, user-agent family, partition key, offset or "",
      asn or "", country or "", location "lat,lon,km" or "",
      status or "", browser "1"/"0"

  Output:
    { meta, buckets, stats, locations }
    meta       { f, l, t } as before this call (nil when absent)
    buckets    the bucket hash as before this call, flat field/value
    stats      STATS integers per observation (see observe-reply.ts)
    locations  per observation, the last location before it, "lat,lon,km,ts" or ""
    -1         the argument count does not match
]]
local metaKey = KEYS[1]
local bucketKey = KEYS[2]

-- src/state/windows.ts holds the same numbers.
local MINUTE = 60000
local FIVE_MINUTES = 300000
local HOUR = 3600000
local DAY = 86400000
local RETAINED = 60
local EVENT_MINUTES = 10
local HOUR_STEP = 4
local HOUR_MAX = 15
local HEADER = 4
local PER_OBSERVATION = 10

local ttl = ARGV[1]
local maxNetworks = tonumber(ARGV[2])
local maxAgents = tonumber(ARGV[3])
local maxPlaces = tonumber(ARGV[4])
local count = (#ARGV - HEADER) / PER_OBSERVATION
if count < 1 or count % 1 ~= 0 or not maxNetworks or not maxAgents or not maxPlaces then
  return -1
end

local flatMeta = redis.call("HGETALL", metaKey)
local meta = {}
for i = 1, #flatMeta, 2 do
  meta[flatMeta[i]] = flatMeta[i + 1]
end
local snapshot = { meta.f or false, meta.l or false, meta.t or false }
local firstSeen = tonumber(meta.f)
local newest = tonumber(meta.l)
local total = tonumber(meta.t) or 0
local dirty = {}
local removed = {}

local function setMeta(field, value)
  meta[field] = value
  dirty[field] = true
  removed[field] = nil
end

local function dropMeta(field)
  meta[field] = nil
  dirty[field] = nil
  removed[field] = true
end

-- Recency sets live in the meta hash as <set>:<member> -> last-seen ts:
-- n networks, u user-agent families, a ASNs, c countries. A key of their
-- own would cost more than their few entries, and fewer keys are fewer
-- reads, writes and PEXPIREs per call.
local limits = { n = maxNetworks, u = maxAgents, a = maxPlaces, c = maxPlaces }
local sets = { n = {}, u = {}, a = {}, c = {} }
local setSize = { n = 0, u = 0, a = 0, c = 0 }
for field, value in pairs(meta) do
  if string.sub(field, 2, 2) == ":" then
    local set = string.sub(field, 1, 1)
    if sets[set] then
      sets[set][string.sub(field, 3)] = tonumber(value)
      setSize[set] = setSize[set] + 1
    end
  end
end

local stored = redis.call("HGETALL", bucketKey)
local counts = {}
local events = { s = {}, d = {} }
for i = 1, #stored, 2 do
  local field = stored[i]
  local lead = string.sub(field, 1, 1)
  if lead == "s" or lead == "d" then
    events[lead][tonumber(string.sub(field, 2))] = tonumber(stored[i + 1])
  else
    counts[tonumber(field)] = tonumber(stored[i + 1])
  end
end

local offsets = {}
local changedMinutes = {}
local changedEvents = { s = {}, d = {} }
local applied = false

-- Byte order, as the embedded store compares; Lua's `<` on strings follows
-- the server's collation locale.
local function bytesBefore(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

-- Last-seen only moves forward; a new member may push out the least
-- recently seen one (lowest ts, then lowest member bytes), evicted fields
-- being deleted from the meta hash.
local function touch(set, member, ts)
  local known = sets[set][member]
  if known ~= nil then
    if ts > known then
      sets[set][member] = ts
      setMeta(set .. ":" .. member, ts)
    end
    return
  end
  sets[set][member] = ts
  setMeta(set .. ":" .. member, ts)
  setSize[set] = setSize[set] + 1
  if setSize[set] <= limits[set] then
    return
  end
  local oldest, oldestTs = nil, nil
  for name, seen in pairs(sets[set]) do
    local tie = seen == oldestTs and bytesBefore(name, oldest)
    if oldestTs == nil or seen < oldestTs or tie then
      oldest, oldestTs = name, seen
    end
  end
  sets[set][oldest] = nil
  setSize[set] = setSize[set] - 1
  dropMeta(set .. ":" .. oldest)
end

local function countSeenAfter(set, since)
  local n = 0
  for _, seen in pairs(sets[set]) do
    if seen > since then
      n = n + 1
    end
  end
  return n
end

local function isDuplicate(partition, offsetArg)
  if offsetArg == "" then
    return false
  end
  local known = offsets[partition]
  if known == nil then
    known = tonumber(meta["o:" .. partition]) or false
    offsets[partition] = known
  end
  local offset = tonumber(offsetArg)
  if known and offset <= known then
    return true
  end
  offsets[partition] = offset
  setMeta("o:" .. partition, offsetArg)
  return false
end

-- Hour-of-week levels: one hex digit per hour in w<day of week>.
local function levelOf(day, hour)
  local text = meta["w" .. day]
  if not text then
    return 0
  end
  return tonumber(string.sub(text, hour + 1, hour + 1), 16)
end

local function setLevel(day, hour, level)
  local text = meta["w" .. day] or string.rep("0", 24)
  local digit = string.format("%x", level)
  setMeta("w" .. day, string.sub(text, 1, hour) .. digit .. string.sub(text, hour + 2))
end

local function decayTo(week)
  local last = tonumber(meta.wd)
  if last == nil then
    setMeta("wd", week)
    return
  end
  if week <= last then
    return
  end
  local steps = math.min(HOUR_MAX, week - last)
  for day = 0, 6 do
    local text = meta["w" .. day]
    if text then
      local digits = {}
      local any = false
      for hour = 1, 24 do
        local level = math.max(0, tonumber(string.sub(text, hour, hour), 16) - steps)
        if level > 0 then any = true end
        digits[hour] = string.format("%x", level)
      end
      if any then
        setMeta("w" .. day, table.concat(digits))
      else
        dropMeta("w" .. day)
      end
    end
  end
  setMeta("wd", week)
end

local function countEvent(kind, minute)
  if minute >= math.floor(newest / MINUTE) - EVENT_MINUTES then
    events[kind][minute] = (events[kind][minute] or 0) + 1
    changedEvents[kind][minute] = true
  end
end

local function sumEvents(kind, minute, width)
  local floor = newest and (math.floor(newest / MINUTE) - EVENT_MINUTES) or minute
  local sum = 0
  for m = math.max(minute - width + 1, floor), minute do
    sum = sum + (events[kind][m] or 0)
  end
  return sum
end

local stats = {}
local locations = {}
for i = 0, count - 1 do
  local base = HEADER + i * PER_OBSERVATION
  local tsArg = ARGV[base + 1]
  local ts = tonumber(tsArg)
  local network = ARGV[base + 2]
  local agent = ARGV[base + 3]
  local asn = ARGV[base + 6]
  local country = ARGV[base + 7]
  local location = ARGV[base + 8]
  local status = tonumber(ARGV[base + 9])
  local browser = ARGV[base + 10] == "1"

  local revokedAt = tonumber(meta.rv)
  local denied = status == 401 or status == 403
  local afterRevocation = revokedAt ~= nil and ts >= revokedAt and denied
  local duplicate = (not afterRevocation) and isDuplicate(ARGV[base + 4], ARGV[base + 5])
  local apply = not duplicate and not afterRevocation

  local lastNetwork = sets.n[network]
  local lastAgent = sets.u[agent]
  local asnKnown = asn == "" or sets.a[asn] ~= nil
  local countryKnown = country == "" or sets.c[country] ~= nil
  local knownAsns = setSize.a
  local knownCountries = setSize.c
  locations[i + 1] = meta.ll and (meta.ll .. "," .. meta.lt) or ""

  local clockHour = math.floor(ts / HOUR)
  local hour = clockHour % 24
  local dayNumber = math.floor(ts / DAY)
  local day = (dayNumber + 3) % 7
  if apply then
    decayTo(math.floor((dayNumber + 3) / 7))
  end
  local activeHours = tonumber(meta.hc) or 0
  local hourLevel = levelOf(day, hour)
  local dayLevel = 0
  for d = 0, 6 do
    dayLevel = dayLevel + levelOf(d, (hour + 23) % 24) + levelOf(d, hour)
      + levelOf(d, (hour + 1) % 24)
  end

  if apply then
    applied = true
    local inOrder = newest == nil or ts >= newest
    total = total + 1
    if firstSeen == nil or ts < firstSeen then firstSeen = ts end
    if newest == nil or ts > newest then newest = ts end

    local minute = math.floor(ts / MINUTE)
    if minute >= math.floor(newest / MINUTE) - RETAINED then
      counts[minute] = (counts[minute] or 0) + 1
      changedMinutes[minute] = true
    end

    touch("n", network, ts)
    touch("u", agent, ts)
    if asn ~= "" then touch("a", asn, ts) end
    if country ~= "" then touch("c", country, ts) end

    local lastHour = tonumber(meta.ha)
    if lastHour == nil or clockHour > lastHour then
      setLevel(day, hour, math.min(HOUR_MAX, levelOf(day, hour) + HOUR_STEP))
      setMeta("ha", clockHour)
      setMeta("hc", (tonumber(meta.hc) or 0) + 1)
    end
    if browser then setMeta("bq", (tonumber(meta.bq) or 0) + 1) end
    if denied then countEvent("d", minute) end

    if inOrder and network ~= meta.n1 then
      if network == meta.n2 then countEvent("s", minute) end
      if meta.n1 then setMeta("n2", meta.n1) end
      setMeta("n1", network)
    end

    local locatedAt = tonumber(meta.lt)
    if location ~= "" and (locatedAt == nil or ts >= locatedAt) then
      setMeta("ll", location)
      setMeta("lt", tsArg)
    end
  end

  local minute = math.floor(ts / MINUTE)
  local n = #stats
  stats[n + 1] = duplicate and 1 or 0
  stats[n + 2] = countSeenAfter("n", ts - FIVE_MINUTES)
  stats[n + 3] = countSeenAfter("n", ts - HOUR)
  stats[n + 4] = countSeenAfter("u", ts - HOUR)
  stats[n + 5] = (lastNetwork ~= nil and lastNetwork > ts - HOUR) and 1 or 0
  stats[n + 6] = (lastAgent ~= nil and lastAgent > ts - HOUR) and 1 or 0
  stats[n + 7] = hourLevel
  stats[n + 8] = dayLevel
  stats[n + 9] = activeHours
  stats[n + 10] = lastAgent ~= nil and 1 or 0
  stats[n + 11] = countSeenAfter("a", ts - FIVE_MINUTES)
  stats[n + 12] = countSeenAfter("a", ts - HOUR)
  stats[n + 13] = countSeenAfter("c", ts - HOUR)
  stats[n + 14] = asnKnown and 1 or 0
  stats[n + 15] = countryKnown and 1 or 0
  stats[n + 16] = knownAsns
  stats[n + 17] = knownCountries
  stats[n + 18] = sumEvents("s", minute, 10)
  stats[n + 19] = sumEvents("d", minute, 5)
  stats[n + 20] = tonumber(meta.bq) or 0
  stats[n + 21] = afterRevocation and 1 or 0
  stats[n + 22] = revokedAt or 0
end

if applied then
  setMeta("f", firstSeen)
  setMeta("l", newest)
  setMeta("t", total)
  local metaArgs = {}
  for field in pairs(dirty) do
    metaArgs[#metaArgs + 1] = field
    metaArgs[#metaArgs + 1] = meta[field]
  end
  redis.call("HSET", metaKey, unpack(metaArgs))
  local gone = {}
  for field in pairs(removed) do
    gone[#gone + 1] = field
  end
  if #gone > 0 then
    redis.call("HDEL", metaKey, unpack(gone))
  end

  -- Keep the newest minute and the 60 before it; older buckets never count.
  local floor = math.floor(newest / MINUTE) - RETAINED
  local eventFloor = math.floor(newest / MINUTE) - EVENT_MINUTES
  local bucketArgs = {}
  for minute in pairs(changedMinutes) do
    if minute >= floor then
      bucketArgs[#bucketArgs + 1] = minute
      bucketArgs[#bucketArgs + 1] = counts[minute]
    end
  end
  for kind, minutes in pairs(changedEvents) do
    for minute in pairs(minutes) do
      if minute >= eventFloor then
        bucketArgs[#bucketArgs + 1] = kind .. minute
        bucketArgs[#bucketArgs + 1] = events[kind][minute]
      end
    end
  end
  if #bucketArgs > 0 then
    redis.call("HSET", bucketKey, unpack(bucketArgs))
  end

  local expired = {}
  for kind, minutes in pairs(events) do
    for minute in pairs(minutes) do
      if minute < eventFloor then expired[#expired + 1] = kind .. minute end
    end
  end
  for minute in pairs(counts) do
    if minute < floor then expired[#expired + 1] = minute end
  end
  if #expired > 0 then
    redis.call("HDEL", bucketKey, unpack(expired))
  end

  for i = 1, #KEYS do
    redis.call("PEXPIRE", KEYS[i], ttl)
  end
end

return { snapshot, stored, stats, locations }
