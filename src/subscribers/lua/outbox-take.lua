-- Take (read, not remove) the first entries of the outbox under the drainer's lock.
-- KEYS[1] the confirmation outbox (list)
-- KEYS[2] the drain lock (string: holder's token)
-- ARGV[1] this drainer's token
-- ARGV[2] lock time (ms)
-- ARGV[3] max entries
-- Returns the entries, or false when the outbox is empty or another drainer holds the lock.
if redis.call('LLEN', KEYS[1]) == 0 then return false end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return false end
redis.call('SET', KEYS[2], ARGV[1], 'PX', tonumber(ARGV[2]))
return redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
