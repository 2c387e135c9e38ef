-- Give claims back after failures that certainly did not deliver (a retry claims again).
-- Only the claim's owner gives it back.
-- KEYS[1] ledger hash
-- KEYS[2] claims hash (subscriber id → `token|ms`)
-- ARGV[1] claim token
-- ARGV[2..] subscriber ids
-- Returns how many entries were this owner's claims and are queued again.
local released = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('HGET', KEYS[1], id) == 'claimed' then
    local c = redis.call('HGET', KEYS[2], id)
    if not c or string.sub(c, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '|' then
      redis.call('HSET', KEYS[1], id, 'queued')
      redis.call('HDEL', KEYS[2], id)
      released = released + 1
    end
  end
end
return released
