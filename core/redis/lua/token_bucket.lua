-- Token bucket as GCRA: one timestamp per identity, the bucket's "theoretical arrival time" (TAT).
-- A bucket of `limit` tokens refilling one token every window/limit is the same rule; storing the
-- time the bucket will be full again instead of (tokens, last refill) needs one key and one SET.
-- KEYS[1]  TAT key: a string, microseconds (the moment the bucket is full again)
-- ARGV[1]  window length in milliseconds (time to refill the whole bucket)
-- ARGV[2]  limit (bucket size, >= 1)
-- ARGV[3]  now in microseconds, or '' to use the Redis server clock (TIME), the production choice
-- Returns  {allowed 1|0, remaining tokens, ms until the bucket is full, ms until a token is available}
-- The key expires when the bucket is full again: an expired key and a full bucket are the same.
local window_ms = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local now
if ARGV[3] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[3])
end
local interval = math.max(1, math.floor(window_ms * 1000 / limit))  -- µs per token
local capacity = interval * limit
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then
  tat = now
end
local new_tat = tat + interval
local allow_at = new_tat - capacity
if now < allow_at then
  return {0, 0, math.ceil((tat - now) / 1000), math.ceil((allow_at - now) / 1000)}
end
local full_in_ms = math.ceil((new_tat - now) / 1000)
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', full_in_ms)
return {1, math.floor((now + capacity - new_tat) / interval), full_in_ms, 0}
