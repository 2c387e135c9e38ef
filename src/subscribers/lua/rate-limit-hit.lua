-- Count one hit in a fixed window: the first hit starts a window of ARGV[2] seconds; hits
-- past the limit are refused until the key expires.
-- KEYS[1] counter
-- ARGV[1] limit
-- ARGV[2] window (s)
-- Returns 0 when allowed, else the ms left in the window.
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
if n <= tonumber(ARGV[1]) then return 0 end
return math.max(redis.call('PTTL', KEYS[1]), 1)
