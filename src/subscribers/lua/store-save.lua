-- Write a subscriber record (or delete it) and move its index entries with it.
-- KEYS[1] the subscriber's hash
-- KEYS[2] confirmed (zset)
-- KEYS[3] pending (zset, by signup ms)
-- KEYS[4] slot index (hash of counts)
-- KEYS[5] status count (hash)
-- KEYS[6] all (zset)
-- ARGV[1] slot key prefix (+ `timezone:hour`, weekly `timezone:hour:day` = the slot's zset)
-- ARGV[2] subscriber id
-- ARGV[3] score (the id as a number)
-- ARGV[4] pending score (ms)
-- ARGV[5..] field, value pairs of the record, or the single value '__delete__'
-- Returns 1.
--@include store-slot-of
local h = KEYS[1]
local id = ARGV[2]
local score = tonumber(ARGV[3])
local pendingScore = tonumber(ARGV[4])
--@include store-index-remove
if ARGV[5] == '__delete__' then
  redis.call('DEL', h)
  redis.call('ZREM', KEYS[6], id)
  return 1
end
redis.call('HSET', h, unpack(ARGV, 5))
--@include store-index-add
return 1
