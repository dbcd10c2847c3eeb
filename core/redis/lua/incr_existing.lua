-- Increment a generation counter only if it exists (core.redis.cache_aside.bump).
-- KEYS[1]  the counter
-- Returns  the new value, or false when the counter is missing: the next read seeds it from the
--          clock, newer than anything cached before, so a missing counter needs no bump.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCR', KEYS[1])
end
return false
