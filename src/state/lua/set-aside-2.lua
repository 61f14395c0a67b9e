--[[
  Move a token's state that cannot be read out of the way, so the token can
  start afresh while the unreadable value stays for an operator to inspect:
  renamed to KEYS[2] with the state TTL. Only when it is still what the
  caller saw: another process may have written a good snapshot meanwhile.

  Input:
    KEYS[1] state key                 (anything but a readable snapshot)
    KEYS[2] where to keep it          "<state key>:unreadable"

    ARGV[1] the text that was read, or "" when the key was not a string
    ARGV[2] ttl ms of the kept value

  Output:
    1  moved
    0  already gone or changed since it was read; nothing done
]]
local kind = redis.call("TYPE", KEYS[1]).ok
if kind == "none" then
  return 0
end
if kind == "string" and (ARGV[1] == "" or redis.call("GET", KEYS[1]) ~= ARGV[1]) then
  return 0
end
redis.call("RENAME", KEYS[1], KEYS[2])
redis.call("PEXPIRE", KEYS[2], ARGV[2])
return 1
