-- One page of trending items, rebuilding the 24-hour union first if it was not built this minute.
-- KEYS[1]      the trending union (sorted set: item id -> views in the last 24 hours)
-- KEYS[2]      the "built" marker (the clock minute of the last rebuild)
-- KEYS[3..26]  the last 24 hour buckets, newest first
-- ARGV[1]      the current clock minute (Unix time // 60)
-- ARGV[2]      seconds the union and its marker live (ttl.MARKETPLACE_TRENDING)
-- ARGV[3]      first rank of the page (0-based)
-- ARGV[4]      last rank of the page (inclusive)
-- Returns      {flat ZREVRANGE ... WITHSCORES of the page, number of trending items, 1 if rebuilt}
-- The clock comes from the caller, so tests can move it; a missing union (expired, or a rebuild
-- after a flush) is rebuilt whatever the marker says.
local rebuilt = 0
if redis.call('GET', KEYS[2]) ~= ARGV[1] or redis.call('EXISTS', KEYS[1]) == 0 then
  local buckets = {}
  for i = 3, #KEYS do
    buckets[#buckets + 1] = KEYS[i]
  end
  if redis.call('ZUNIONSTORE', KEYS[1], #buckets, unpack(buckets)) > 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
  end
  redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
  rebuilt = 1
end
local page = redis.call('ZREVRANGE', KEYS[1], ARGV[3], ARGV[4], 'WITHSCORES')
return {page, redis.call('ZCARD', KEYS[1]), rebuilt}
