-- Add ledger entries as `queued` (entries already there keep their state) and count the
-- new ones in the edition's `queued`; both keys get the retention TTL.
-- KEYS[1] ledger hash (subscriber id → state)
-- KEYS[2] ledger meta hash (counters, times, pausedReason)
-- ARGV[1] retention in seconds
-- ARGV[2..] subscriber ids
-- Returns how many entries were new.
local n = 0
for i = 2, #ARGV do
  n = n + redis.call('HSETNX', KEYS[1], ARGV[i], 'queued')
end
if n > 0 then redis.call('HINCRBY', KEYS[2], 'queued', n) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return n
