-- Count one active day in a streak hash (analytics.streaks), atomically.
-- KEYS[1]  the streak hash: current (days in the run ending at last_date), max, last_date
-- ARGV[1]  the active day in the user's own time zone (YYYY-MM-DD)
-- ARGV[2]  the day before it (YYYY-MM-DD)
-- ARGV[3]  the hash's expiry in seconds
-- Returns  {current, max, last_date}, or false when the hash is missing: the caller rebuilds it from
--          the database (which already holds the day being counted).
-- A day already counted, or older than last_date (a late event after a time-zone change), changes
-- nothing; the day after last_date extends the run; any later day starts a new run of 1. ISO dates
-- compare as strings.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local last = redis.call('HGET', KEYS[1], 'last_date') or ''
local current = tonumber(redis.call('HGET', KEYS[1], 'current') or '0') or 0
local best = tonumber(redis.call('HGET', KEYS[1], 'max') or '0') or 0
if last < ARGV[1] then
  if last == ARGV[2] then
    current = current + 1
  else
    current = 1
  end
  if current > best then
    best = current
  end
  last = ARGV[1]
  redis.call('HSET', KEYS[1], 'current', current, 'max', best, 'last_date', last)
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {current, best, last}
