-- Store a new edition in `building` unless its id exists (someone else is building it),
-- and index it by slot.
-- KEYS[1] edition hash
-- KEYS[2] edition index (zset, slot ms → id)
-- ARGV[1] the edition's body (JSON)
-- ARGV[2] now (ISO)
-- ARGV[3] slot (ms)
-- ARGV[4] edition id
-- Returns 1 when created, 0 when the id exists.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'status', 'building', 'updatedAt', ARGV[2], 'at:building', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
