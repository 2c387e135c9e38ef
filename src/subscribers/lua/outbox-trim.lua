-- Drop the entries a drainer handed to the queue, only while the lock is still its own.
-- KEYS[1] the confirmation outbox (list)
-- KEYS[2] the drain lock
-- ARGV[1] this drainer's token
-- ARGV[2] how many entries were handed over
-- Returns 1 when trimmed, 0 when the lock was lost.
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
return 1
