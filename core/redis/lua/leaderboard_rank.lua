-- One member's place on a leaderboard (community.leaderboard), read in one round trip.
-- KEYS[1]  the leaderboard (sorted set: user id -> score, higher is better)
-- ARGV[1]  the member (a user id)
-- Returns  false if the member is not on the board, else
--          {ZREVRANK (0-based position), score as a string, members with a strictly higher score}
--          The displayed rank is that count + 1, so equal scores share a rank.
local position = redis.call('ZREVRANK', KEYS[1], ARGV[1])
if not position then
  return false
end
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local above = redis.call('ZCOUNT', KEYS[1], '(' .. score, '+inf')
return {position, score, above}
