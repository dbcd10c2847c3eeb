-- Merge counts into a hash of revisioned fields (habits.daycounts), keeping per field the value of
-- the highest revision, so writes that arrive out of order never bring back an older count.
-- KEYS[1]  the hash: c:<id> the count, r:<id> the revision it came from, _ = built from the database
-- ARGV[1]  the hash's expiry as a Unix time (EXPIREAT)
-- ARGV[2]  1: a full rebuild (create the hash and its marker when missing); 0: only touch a built hash
-- ARGV[3..] triples: id, count, revision
-- Returns  1 when merged, 0 when the hash was not built and ARGV[2] is 0 (the caller rebuilds it)
if ARGV[2] ~= '1' and redis.call('HEXISTS', KEYS[1], '_') == 0 then
  return 0
end
for i = 3, #ARGV, 3 do
  local id, count, revision = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local stored = tonumber(redis.call('HGET', KEYS[1], 'r:' .. id) or '-1')
  if revision > stored then
    redis.call('HSET', KEYS[1], 'c:' .. id, count, 'r:' .. id, revision)
  end
end
redis.call('HSET', KEYS[1], '_', '1')
redis.call('EXPIREAT', KEYS[1], ARGV[1])
return 1
