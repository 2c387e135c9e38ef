-- Take send permits from the bucket every worker shares: it fills at the shared rate
-- (adaptive-rate.lua's `rate`, at most the caller's ceiling) and holds a fraction of a
-- second's worth, by Redis's clock.
-- KEYS[1] rate hash (rate, tokens, tokensAt)
-- ARGV[1] ceiling (messages/s): SEND_RATE_PER_SEC of the caller
-- ARGV[2] permits wanted
-- ARGV[3] the bucket's size, in seconds of the rate
-- Returns {permits granted, ms to wait when none, the rate (string)}.
--@include now-ms
local now = nowMs()
local h = redis.call('HMGET', KEYS[1], 'rate', 'tokens', 'tokensAt')
local rate = math.min(tonumber(h[1] or ARGV[1]), tonumber(ARGV[1]))
local size = math.max(1, rate * tonumber(ARGV[3]))
local tokens = size
if h[2] and h[3] then tokens = math.min(size, tonumber(h[2]) + (now - tonumber(h[3])) * rate / 1000) end
local granted = math.min(tonumber(ARGV[2]), math.floor(tokens))
if granted < 1 then return {0, math.max(1, math.ceil((1 - tokens) * 1000 / rate)), tostring(rate)} end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - granted), 'tokensAt', now)
return {granted, 0, tostring(rate)}
