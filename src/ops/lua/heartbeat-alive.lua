-- The instances whose heartbeat has not expired by Redis's clock (TIME), the clock their
-- expiries were written by (heartbeat-beat), whatever the reader's own clock says.
-- KEYS[1] heartbeats zset (member role|id, score = expiry ms)
-- ARGV[1] none: the only clock is Redis's
-- Returns member, expiry, member, expiry, … (soonest expiry first).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf', 'WITHSCORES')
