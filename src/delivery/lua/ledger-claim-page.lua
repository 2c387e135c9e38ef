-- The first round trip of a page of sends: refuse while the edition is paused, and before
-- its slot by Redis's clock (a worker whose clock runs ahead never sends early), nothing
-- claimed; else claim each reader (ledger-claim-step) and hand back, for each one claimed,
-- what the send reads next: the reader's last-edition entry and hash.
-- KEYS[1] ledger hash
-- KEYS[2] ledger meta hash (pausedReason, notBefore ms)
-- KEYS[3] claims hash (subscriber id → `token|ms`)
-- KEYS[4] the last-edition hash (subscriber id → last edition)
-- KEYS[5..] the readers' hashes, in the order of their ids
-- ARGV[1] claim token (one per page attempt)
-- ARGV[2] a claim older than this (ms) is written off as unknown
-- ARGV[3..] subscriber ids
-- Returns {'paused', reason}, {'early', ms to wait}, or {'claims', one reply per reader}: each
-- {'claimed', 0, last edition or '', subscriber hash as field, value...}, {'busy', ms to
-- wait}, {'became-unknown', finished 1/0}, or {state, 0}.
--@include now-iso
--@include ledger-complete
--@include now-ms
--@include ledger-claim-step
local paused = redis.call('HGET', KEYS[2], 'pausedReason')
if paused then return {'paused', paused} end
local notBefore = tonumber(redis.call('HGET', KEYS[2], 'notBefore') or '0')
local now = nowMs()
if notBefore > now then return {'early', notBefore - now} end
local out = {'claims'}
for i = 3, #ARGV do
  local id = ARGV[i]
  out[#out + 1] = claimStep(id, ARGV[1], ARGV[2], function()
    return {'claimed', 0, redis.call('HGET', KEYS[4], id) or '', unpack(redis.call('HGETALL', KEYS[i + 2]))}
  end)
end
return out
