-- Record that the fan-out queued every reader (first call wins, at Redis's time), and finish
-- the edition if every queued entry is already final (or none was queued).
-- KEYS[1] ledger meta hash
-- ARGV none
-- Returns 1 when this call finished the edition, else 0.
--@include now-iso
--@include ledger-complete
redis.call('HSETNX', KEYS[1], 'fanoutDoneAt', nowIso())
return complete(KEYS[1])
