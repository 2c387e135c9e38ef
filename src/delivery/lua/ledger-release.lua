-- Give a claim back after a failure that certainly did not deliver (a retry claims again).
-- Only the claim's owner gives it back.
-- KEYS[1] ledger hash
-- KEYS[2] claims hash (subscriber id → `token|ms`)
-- ARGV[1] subscriber id
-- ARGV[2] claim token
-- Returns 1 when the entry was this owner's claim and is queued again, else 0.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= 'claimed' then return 0 end
local c = redis.call('HGET', KEYS[2], ARGV[1])
if c and string.sub(c, 1, string.len(ARGV[2]) + 1) ~= ARGV[2] .. '|' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], 'queued')
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
