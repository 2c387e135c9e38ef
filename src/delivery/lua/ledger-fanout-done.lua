-- Record that the fan-out queued every reader (first call wins), and finish the edition if
-- every queued entry is already final (or none was queued).
-- KEYS[1] ledger meta hash
-- ARGV[1] now (ISO)
-- Returns 1 when this call finished the edition, else 0.
--@include ledger-complete
redis.call('HSETNX', KEYS[1], 'fanoutDoneAt', ARGV[1])
return complete(KEYS[1], ARGV[1])
