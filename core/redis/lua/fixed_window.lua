-- Fixed-window counter: count one hit and make sure the window has an expiry, atomically.
-- KEYS[1]  counter key (one window of one identity under one policy)
-- ARGV[1]  window length in milliseconds
-- ARGV[2]  amount to add (a positive integer)
-- Returns  {count after this hit, milliseconds until the window resets}
-- The PTTL guard repairs a counter that lost its expiry, which would otherwise block forever.
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
