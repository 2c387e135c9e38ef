-- Give the drain lock up (shutdown) if this drainer holds it.
-- KEYS[1] the drain lock
-- ARGV[1] this drainer's token
-- Returns 1.
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
