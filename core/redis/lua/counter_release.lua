-- Give back hits counted by fixed_window.lua, without ever creating a key.
-- KEYS[1]  counter key
-- ARGV[1]  amount to give back (a positive integer)
-- Returns  the count after the release, or -1 when the window had already expired
-- A plain DECR on an expired key would create a counter with no expiry.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local count = redis.call('DECRBY', KEYS[1], ARGV[1])
if count < 0 then
  redis.call('SET', KEYS[1], 0, 'KEEPTTL')
  count = 0
end
return count
