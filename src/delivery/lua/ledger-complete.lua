-- Include: defines complete(meta), which marks the edition finished (at Redis's time) once
-- the fan-out is done and every queued entry is final.
-- Expects in scope: nowIso (now-iso).
-- complete() returns 1 when this call finished the edition, else 0.
local function complete(meta)
  local m = redis.call('HMGET', meta, 'fanoutDoneAt', 'finishedAt', 'queued', 'sent', 'failed', 'bounced', 'unknown', 'skipped')
  if not m[1] or m[2] then return 0 end
  local done = 0
  for i = 4, 8 do done = done + tonumber(m[i] or '0') end
  if done >= tonumber(m[3] or '0') then
    redis.call('HSET', meta, 'finishedAt', nowIso())
    return 1
  end
  return 0
end
