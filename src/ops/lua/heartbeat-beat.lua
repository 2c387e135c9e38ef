-- One heartbeat, its expiry by Redis's clock (TIME), so that a process whose clock is off is
-- neither taken for dead (behind) nor kept alive after it stopped (ahead): the details key
-- with its TTL, the expiry in the index, and entries long expired swept from the index.
-- KEYS[1] the instance's details key
-- KEYS[2] heartbeats zset (member role|id, score = expiry ms by Redis's clock)
-- ARGV[1] member (role|id)
-- ARGV[2] details (JSON)
-- ARGV[3] time to live (ms)
-- ARGV[4] sweep entries expired longer ago than this (ms)
-- Returns the expiry (ms, Redis's clock).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expiry = now + tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], expiry, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[4]))
return expiry
