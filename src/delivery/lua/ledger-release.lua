-- Give a claim back after a failure that certainly did not deliver (a retry claims again).
-- KEYS[1] ledger hash
-- ARGV[1] subscriber id
-- Returns 1 when the entry was claimed and is queued again, else 0.
if redis.call('HGET', KEYS[1], ARGV[1]) == 'claimed' then
  redis.call('HSET', KEYS[1], ARGV[1], 'queued')
  return 1
end
return 0
