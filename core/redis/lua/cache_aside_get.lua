-- One cache-aside read (core.redis.cache_aside): a family's generation counter, the entry stored
-- under the key built from it and, on a miss, an attempt to take the entry's single-flight lock,
-- all in one round trip.
-- KEYS[1]  the generation counter (a Django cache key holding a raw integer)
-- ARGV[1]  the entry key up to the generation (e.g. "tk:1:search:{u:42}:g")
-- ARGV[2]  the entry key after the generation (e.g. ":<digest>")
-- ARGV[3]  seed for a missing counter: the app clock in milliseconds, newer than any older value
-- ARGV[4]  the counter's expiry in seconds when seeded
-- ARGV[5]  the lock's expiry in milliseconds (the longest a computation may hold it)
-- Returns  {generation, entry or false, 1 if this caller took the lock else 0}
--          (the lock flag is 0 on a hit; the lock key is the entry key followed by ":lock")
--
-- Cluster exception: the entry and lock keys are derived from the counter's value, so they cannot
-- be passed in KEYS. It is safe on Redis Cluster because all three keys carry the same hash tag
-- ({u:<uid>} or {f:<family>}) and so live in one slot on one node; the caller guarantees that.
-- Dragonfly needs --default_lua_flags=allow-undeclared-keys for this script.
local generation = redis.call('GET', KEYS[1])
if not generation then
  generation = ARGV[3]
  redis.call('SET', KEYS[1], generation, 'EX', ARGV[4])
end
local entry_key = ARGV[1] .. generation .. ARGV[2]
local entry = redis.call('GET', entry_key)
if entry then
  return {generation, entry, 0}
end
local locked = redis.call('SET', entry_key .. ':lock', '1', 'NX', 'PX', ARGV[5])
return {generation, false, locked and 1 or 0}
