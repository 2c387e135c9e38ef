-- Move a claimed entry to its final state (ledger-finish-step), and mark the edition finished
-- when this was the last entry.
-- KEYS[1] ledger hash
-- KEYS[2] ledger meta hash
-- KEYS[3] claims hash (the entry's claim is dropped)
-- KEYS[4] optional: hash of the record written with a finish to `sent`
-- ARGV[1] subscriber id
-- ARGV[2] final state: sent | failed | bounced | skipped | unknown
-- ARGV[3] failures (failed + bounced) before a pause
-- ARGV[4] failure ratio before a pause (0..1)
-- ARGV[5] optional: the record's value (its field is the subscriber id)
-- Returns {applied 1/0, finished 1/0, paused 1/0}.
--@include now-iso
--@include ledger-complete
--@include ledger-finish-step
local applied, paused = finishStep(ARGV[1], ARGV[2], KEYS[4], ARGV[5], ARGV[3], ARGV[4])
if applied == 0 then return {0, 0, 0} end
return {1, complete(KEYS[2]), paused}
