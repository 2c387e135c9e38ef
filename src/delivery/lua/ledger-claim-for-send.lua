-- The send's first round trip: refuse while the edition is paused (nothing claimed), claim
-- (ledger-claim-step), and hand back what the send reads next: the reader's last-edition
-- entry and hash.
-- KEYS[1] ledger hash
-- KEYS[2] ledger meta hash
-- KEYS[3] the subscriber's hash
-- KEYS[4] the last-edition hash (subscriber id → edition id)
-- ARGV[1] subscriber id
-- ARGV[2] now (ISO)
-- Returns {'paused', reason}, {'claimed', 0, last edition or '', subscriber hash as
-- field, value...}, {'became-unknown', finished 1/0}, or {state, 0}.
--@include ledger-complete
--@include ledger-claim-step
local paused = redis.call('HGET', KEYS[2], 'pausedReason')
if paused then return {'paused', paused} end
return claimStep(function()
  return {'claimed', 0, redis.call('HGET', KEYS[4], ARGV[1]) or '', unpack(redis.call('HGETALL', KEYS[3]))}
end)
