-- Sliding-window log: admit a request if fewer than `limit` were admitted in the last `window`.
-- KEYS[1]  log key: a sorted set, one member per admitted request, scored by its time in µs
-- ARGV[1]  window length in milliseconds
-- ARGV[2]  limit (requests per window, >= 1)
-- ARGV[3]  member for this request, unique per request (ties in time must not collapse entries)
-- ARGV[4]  now in microseconds, or '' to use the Redis server clock (TIME), the production choice
-- Returns  {allowed 1|0, remaining, ms until the log is empty, ms until a request would be admitted}
-- Denied requests are not logged, so a client that keeps hammering is admitted again once its
-- admitted requests age out. The key expires one window after the newest entry.
local window_ms = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local now
if ARGV[4] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[4])
end
local window_us = window_ms * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window_us)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window_ms)
  count = count + 1
  allowed = 1
end
local reset_us = 0
local retry_us = 0
if count > 0 then
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  reset_us = tonumber(newest[2]) + window_us - now
end
if allowed == 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  retry_us = tonumber(oldest[2]) + window_us - now
end
return {allowed, limit - count, math.ceil(reset_us / 1000), math.ceil(retry_us / 1000)}
