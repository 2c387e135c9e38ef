-- Compare-and-set an edition's status: from → to only while it is still `from`; records
-- when (`at:<to>`) and why.
-- KEYS[1] edition hash
-- ARGV[1] from
-- ARGV[2] to
-- ARGV[3] now (ISO)
-- ARGV[4] reason ('' for none)
-- Returns 1 when moved, 0 when the status was not `from`.
if redis.call('HGET', KEYS[1], 'status') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'updatedAt', ARGV[3], 'at:' .. ARGV[2], ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'reason', ARGV[4]) end
return 1
