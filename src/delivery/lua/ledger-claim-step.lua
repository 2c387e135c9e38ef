-- Include: defines claimStep(id, token, staleMs, onClaimed), the claim transition of
-- one ledger entry. Each claim records its owner (a token per send attempt) and when it was
-- taken, by Redis's clock. queued → claimed (then returns onClaimed()); claimed by the same
-- owner: its own command resent after a lost reply, onClaimed() again; claimed by another
-- owner less than the stale time ago: busy (that run may be alive and about to write its
-- outcome); claimed longer ago: unknown (a run died after claiming: never resent); any other
-- state is returned as it is (with `unknown`, whether the edition is finished: the claim that
-- wrote it off may have finished it and lost its reply).
-- Expects in scope: complete (ledger-complete), nowMs (now-ms), KEYS[1] ledger hash,
-- KEYS[2] ledger meta, KEYS[3] claims hash (subscriber id → `token|ms`).
-- claimStep() returns onClaimed()'s array, {'busy', ms to wait}, {'became-unknown', finished
-- 1/0}, {'unknown', edition finished 1/0}, or {state, 0}.
local function claimStep(id, token, staleMs, onClaimed)
  local s = redis.call('HGET', KEYS[1], id)
  if not s then
    redis.call('HINCRBY', KEYS[2], 'queued', 1)
    s = 'queued'
  end
  if s == 'queued' then
    redis.call('HSET', KEYS[1], id, 'claimed')
    redis.call('HSET', KEYS[3], id, token .. '|' .. nowMs())
    redis.call('EXPIRE', KEYS[3], 604800)
    return onClaimed()
  end
  if s == 'claimed' then
    local c = redis.call('HGET', KEYS[3], id)
    if c then
      local sep = string.find(c, '|', 1, true)
      if string.sub(c, 1, sep - 1) == token then
        return onClaimed()
      end
      local age = nowMs() - tonumber(string.sub(c, sep + 1))
      if age < tonumber(staleMs) then return {'busy', tonumber(staleMs) - age} end
    end
    redis.call('HSET', KEYS[1], id, 'unknown')
    redis.call('HDEL', KEYS[3], id)
    redis.call('HINCRBY', KEYS[2], 'unknown', 1)
    return {'became-unknown', complete(KEYS[2])}
  end
  if s == 'unknown' then return {s, redis.call('HEXISTS', KEYS[2], 'finishedAt')} end
  return {s, 0}
end
