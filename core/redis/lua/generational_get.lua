-- Read a user's generation counter and the cached value stored under the key built from it, in one
-- round trip (core.redis.generational). A missing counter is seeded, as caching.get_generation does.
-- KEYS[1]  the generation counter (a Django cache key holding a raw integer)
-- ARGV[1]  the value key up to the generation (e.g. "tk:1:search:{u:42}:g")
-- ARGV[2]  the value key after the generation (e.g. ":<digest>")
-- ARGV[3]  seed for a missing counter: the app clock in milliseconds, newer than any older value
-- ARGV[4]  the counter's expiry in seconds when seeded
-- Returns  {generation, cached value or nil}
--
-- Cluster exception: the value key is derived from the counter's value, so it cannot be passed in
-- KEYS. It is safe on Redis Cluster because both keys carry the same hash tag ({u:<uid>}) and so
-- live in one slot on one node; the caller guarantees that. Dragonfly needs
-- --default_lua_flags=allow-undeclared-keys for this script.
local generation = redis.call('GET', KEYS[1])
if not generation then
  generation = ARGV[3]
  redis.call('SET', KEYS[1], generation, 'EX', ARGV[4])
end
return {generation, redis.call('GET', ARGV[1] .. generation .. ARGV[2])}
