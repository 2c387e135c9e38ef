-- Create a record unless the address has one: claim the id for the address (or find the
-- existing record) and write the new record with its indexes.
-- KEYS[1] by-email (hash: address → id)
-- KEYS[2] confirmed, KEYS[3] pending, KEYS[4] slot index, KEYS[5] status count, KEYS[6] all
-- (as store-save)
-- KEYS[7] id sequence
-- ARGV[1] slot key prefix
-- ARGV[2] subscriber key prefix (+ id = the record's hash)
-- ARGV[3] address
-- ARGV[4] pending score (ms)
-- ARGV[5..] field, value pairs of the new record
-- Returns {0, id, existing hash as field, value...} for an existing record, {1, id} for a
-- new one.
--@include store-slot-of
local id = redis.call('HGET', KEYS[1], ARGV[3])
if id then
  local existing = redis.call('HGETALL', ARGV[2] .. id)
  if #existing > 0 then return {0, id, unpack(existing)} end
  -- the address has an id but no record (removed half-way): write it under that id
else
  id = string.format('%012d', redis.call('INCR', KEYS[7]))
  redis.call('HSET', KEYS[1], ARGV[3], id)
end
local h = ARGV[2] .. id
local score = tonumber(id)
local pendingScore = tonumber(ARGV[4])
redis.call('HSET', h, 'id', id, unpack(ARGV, 5))
--@include store-index-add
return {1, id}
