-- Move the scheduler's last-tick mark forward only (two schedulers with skewed clocks
-- must not rewind it).
-- KEYS[1] last-tick string (ms)
-- ARGV[1] this tick (ms)
-- Returns 1.
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > v then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
