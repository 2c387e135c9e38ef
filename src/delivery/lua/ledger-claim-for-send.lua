-- The send's first round trip: refuse while the edition is paused, and before its slot by
-- Redis's clock (a worker whose clock runs ahead never sends early), nothing claimed; claim
-- (ledger-claim-step), and hand back what the send reads next: the reader's last-edition
-- entry and hash.
-- KEYS[1] ledger hash
-- KEYS[2] ledger meta hash (pausedReason, notBefore ms)
-- KEYS[3] claims hash (subscriber id → `token|ms`)
-- KEYS[4] the subscriber's hash
-- KEYS[5] the last-edition hash (subscriber id → edition id)
-- ARGV[1] subscriber id
-- ARGV[2] now (ISO)
-- ARGV[3] claim token (one per send attempt)
-- ARGV[4] a claim older than this (ms) is written off as unknown
-- Returns {'paused', reason}, {'early', ms to wait}, {'claimed', 0, last edition or '',
-- subscriber hash as field, value...}, {'busy', ms to wait}, {'became-unknown', finished
-- 1/0}, or {state, 0}.
--@include ledger-complete
--@include now-ms
--@include ledger-claim-step
local paused = redis.call('HGET', KEYS[2], 'pausedReason')
if paused then return {'paused', paused} end
local notBefore = tonumber(redis.call('HGET', KEYS[2], 'notBefore') or '0')
if notBefore > nowMs() then return {'early', notBefore - nowMs()} end
return claimStep(function()
  return {'claimed', 0, redis.call('HGET', KEYS[5], ARGV[1]) or '', unpack(redis.call('HGETALL', KEYS[4]))}
end)
