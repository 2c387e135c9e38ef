-- Include: defines finishStep(id, to, recordKey, recordValue, minFailures, ratio), which moves
-- a claimed entry to its final state, counts it, and pauses the edition when failures pass the
-- threshold. A run that lost its lock may still deliver after the entry was written off as
-- unknown: unknown → sent is allowed. With a record key, the record (the reader's last
-- edition) is written on a finish to `sent`.
-- Expects in scope: KEYS[1] ledger hash, KEYS[2] ledger meta hash, KEYS[3] claims hash.
-- finishStep() returns applied 1/0, paused 1/0.
local function finishStep(id, to, recordKey, recordValue, minFailures, ratio)
  local s = redis.call('HGET', KEYS[1], id)
  if recordKey and to == 'sent' then redis.call('HSET', recordKey, id, recordValue) end
  redis.call('HDEL', KEYS[3], id)
  if not (s == 'claimed' or (s == 'unknown' and to == 'sent')) then return 0, 0 end
  redis.call('HSET', KEYS[1], id, to)
  redis.call('HINCRBY', KEYS[2], to, 1)
  if s == 'unknown' then redis.call('HINCRBY', KEYS[2], 'unknown', -1) end
  if to == 'failed' or to == 'bounced' then
    local m = redis.call('HMGET', KEYS[2], 'sent', 'failed', 'bounced', 'unknown', 'skipped', 'pausedReason')
    local bad = tonumber(m[2] or '0') + tonumber(m[3] or '0')
    local seen = bad + tonumber(m[1] or '0') + tonumber(m[4] or '0') + tonumber(m[5] or '0')
    if not m[6] and bad >= tonumber(minFailures) and bad > seen * tonumber(ratio) then
      redis.call('HSET', KEYS[2], 'pausedReason',
        string.format('%d of %d sends failed or bounced (more than %d%%)', bad, seen, math.floor(tonumber(ratio) * 100)))
      return 1, 1
    end
  end
  return 1, 0
end
