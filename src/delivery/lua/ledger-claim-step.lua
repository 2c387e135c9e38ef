-- Include: defines claimStep(onClaimed), the claim transition of one ledger entry:
-- queued → claimed (then returns onClaimed()), claimed → unknown (a run died after
-- claiming: never resent), any other state is returned as it is.
-- Expects in scope: complete (ledger-complete), KEYS[1] ledger hash, KEYS[2] ledger meta,
-- ARGV[1] subscriber id, ARGV[2] now (ISO).
-- claimStep() returns onClaimed()'s array, {'became-unknown', finished 1/0}, or {state, 0}.
local function claimStep(onClaimed)
  local s = redis.call('HGET', KEYS[1], ARGV[1])
  if not s then
    redis.call('HINCRBY', KEYS[2], 'queued', 1)
    s = 'queued'
  end
  if s == 'queued' then
    redis.call('HSET', KEYS[1], ARGV[1], 'claimed')
    return onClaimed()
  end
  if s == 'claimed' then
    redis.call('HSET', KEYS[1], ARGV[1], 'unknown')
    redis.call('HINCRBY', KEYS[2], 'unknown', 1)
    return {'became-unknown', complete(KEYS[2], ARGV[2])}
  end
  return {s, 0}
end
