-- Count one view of a marketplace item, at most once per viewer per hour (marketplace.rankings).
-- KEYS[1]  the hour's "seen" set (members "<item id>:<viewer id>")
-- KEYS[2]  the hour's views bucket (sorted set: item id -> counted views)
-- ARGV[1]  "<item id>:<viewer id>"
-- ARGV[2]  the item id
-- ARGV[3]  seconds the seen set lives (ttl.MARKETPLACE_VIEWS_SEEN)
-- ARGV[4]  seconds the bucket lives after its last view (ttl.MARKETPLACE_VIEWS_BUCKET)
-- Returns  1 if the view was counted, 0 if this viewer was already counted for this item this hour
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZINCRBY', KEYS[2], 1, ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
