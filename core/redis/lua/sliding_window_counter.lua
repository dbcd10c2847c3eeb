-- Sliding-window counter: the sliding log's rule approximated with two counters, in constant memory.
-- The previous window's requests are taken as evenly spread over it, so they count with the share of
-- that window still inside the sliding one: used = previous * (window - elapsed) / window + current.
-- A request is admitted while used + 1 <= limit; only admitted requests are counted. The first
-- request of an idle identity starts its window (windows are per identity, not aligned to the clock).
-- KEYS[1]  state, 12 bytes big-endian: the current window's start in ms (6 bytes), requests admitted
--          in it (3 bytes) and in the window before it (3 bytes)
-- ARGV[1]  window length in milliseconds
-- ARGV[2]  limit (requests per window, below 2^24; limit * window below 2^48 so doubles stay exact)
-- ARGV[3]  now in microseconds, or '' to use the Redis server clock (TIME), the production choice
-- Returns  {allowed 1|0, remaining, ms until the budget is whole again, ms until a request would be
--          admitted (denials only)}
-- Used counts are kept in 1/window units (times window) so every comparison is on whole numbers.
-- The key expires when both counters have aged out: two windows after the current window's start.
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local now
if ARGV[3] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
else
  now = math.floor(tonumber(ARGV[3]) / 1000)
end
local start, current, previous = now, 0, 0
local stored = redis.call('GET', KEYS[1])
if stored then
  start, current, previous = struct.unpack('>I6I3I3', stored)
  if now - start >= 2 * window then
    start, current, previous = now, 0, 0
  elseif now - start >= window then
    start, current, previous = start + window, 0, current
  end
end
local used = previous * (window - math.max(0, now - start)) + current * window
local allowed = 0
if used + window <= limit * window then
  current = current + 1
  used = used + window
  allowed = 1
  redis.call('SET', KEYS[1], struct.pack('>I6I3I3', start, current, previous), 'PX', start + 2 * window - now)
end
local reset = 0
if current > 0 then
  reset = start + 2 * window - now
elseif previous > 0 then
  reset = start + window - now
end
local retry = 0
if allowed == 0 then
  if current < limit then  -- within this window, once enough of the previous one has slid out
    retry = start + math.ceil(window * (previous + current + 1 - limit) / previous) - now
  else  -- in the next window, once enough of this one has slid out
    retry = start + window + math.ceil(window * (current + 1 - limit) / current) - now
  end
end
return {allowed, math.max(0, math.floor((limit * window - used) / window)), math.max(0, reset), retry}
