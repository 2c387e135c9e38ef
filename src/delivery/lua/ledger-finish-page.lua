-- Record the outcomes of several sends of one edition in one round trip (ledger-finish-step
-- each), then mark the edition finished if they were the last entries.
-- KEYS[1] ledger hash
-- KEYS[2] ledger meta hash
-- KEYS[3] claims hash (each entry's claim is dropped)
-- KEYS[4] the last-edition hash, written for each finish to `sent`
-- ARGV[1] failures (failed + bounced) before a pause
-- ARGV[2] failure ratio before a pause (0..1)
-- ARGV[3..] triples: subscriber id, final state (sent | failed | bounced | skipped |
-- unknown), last-edition value ('' for none)
-- Returns {entries applied, finished 1/0, paused 1/0}. With nothing applied (this batch written
-- again after a lost reply) `finished` says whether the edition is finished at all, so that the
-- status its first run finished is still set.
--@include now-iso
--@include ledger-complete
--@include ledger-finish-step
local applied, paused = 0, 0
for i = 3, #ARGV, 3 do
  local value = ARGV[i + 2]
  local a, p = finishStep(ARGV[i], ARGV[i + 1], value ~= '' and KEYS[4] or nil, value, ARGV[1], ARGV[2])
  applied = applied + a
  if p == 1 then paused = 1 end
end
if applied == 0 then return {0, redis.call('HEXISTS', KEYS[2], 'finishedAt'), paused} end
return {applied, complete(KEYS[2]), paused}
