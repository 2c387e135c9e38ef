-- Record when (Redis's time) and for which slot delivery of an edition started, first call
-- wins; a slot's edition also gets its earliest send (ms, Redis's clock).
-- KEYS[1] ledger meta hash
-- ARGV[1] slot (ISO)
-- ARGV[2] mode: scheduled | weekly | now
-- ARGV[3] earliest send in ms since the epoch, or '' for none ("send now")
-- ARGV[4] retention in seconds
-- Returns 1.
--@include now-iso
redis.call('HSETNX', KEYS[1], 'startedAt', nowIso())
redis.call('HSETNX', KEYS[1], 'slot', ARGV[1])
redis.call('HSETNX', KEYS[1], 'mode', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSETNX', KEYS[1], 'notBefore', ARGV[3]) end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
