-- Move a claimed entry to its final state, count it, pause the edition when failures pass
-- the threshold, and mark it finished when this was the last entry. A run that lost its
-- lock may still deliver after the entry was written off as unknown: unknown → sent is
-- allowed. The optional record (the reader's last edition) is written on every finish to
-- `sent`, in the same round trip.
-- KEYS[1] ledger hash
-- KEYS[2] ledger meta hash
-- KEYS[3] claims hash (the entry's claim is dropped)
-- KEYS[4] optional: hash of the record written with a finish to `sent`
-- ARGV[1] subscriber id
-- ARGV[2] final state: sent | failed | bounced | skipped | unknown
-- ARGV[3] now (ISO)
-- ARGV[4] failures (failed + bounced) before a pause
-- ARGV[5] failure ratio before a pause (0..1)
-- ARGV[6], ARGV[7] optional: the record's field and value
-- Returns {applied 1/0, finished 1/0, paused 1/0}.
--@include ledger-complete
local s = redis.call('HGET', KEYS[1], ARGV[1])
local to = ARGV[2]
if KEYS[4] and to == 'sent' then redis.call('HSET', KEYS[4], ARGV[6], ARGV[7]) end
redis.call('HDEL', KEYS[3], ARGV[1])
if not (s == 'claimed' or (s == 'unknown' and to == 'sent')) then return {0, 0, 0} end
redis.call('HSET', KEYS[1], ARGV[1], to)
redis.call('HINCRBY', KEYS[2], to, 1)
if s == 'unknown' then redis.call('HINCRBY', KEYS[2], 'unknown', -1) end
local paused = 0
if to == 'failed' or to == 'bounced' then
  local m = redis.call('HMGET', KEYS[2], 'sent', 'failed', 'bounced', 'unknown', 'skipped', 'pausedReason')
  local bad = tonumber(m[2] or '0') + tonumber(m[3] or '0')
  local seen = bad + tonumber(m[1] or '0') + tonumber(m[4] or '0') + tonumber(m[5] or '0')
  if not m[6] and bad >= tonumber(ARGV[4]) and bad > seen * tonumber(ARGV[5]) then
    redis.call('HSET', KEYS[2], 'pausedReason',
      string.format('%d of %d sends failed or bounced (more than %d%%)', bad, seen, math.floor(tonumber(ARGV[5]) * 100)))
    paused = 1
  end
end
return {1, complete(KEYS[2], ARGV[3]), paused}
