-- Include: removes the index entries of the record in hash h before it changes; the
-- counterpart of store-index-add (same names in scope).
-- Expects in scope: slotOf (store-slot-of), h, id, ARGV[1] slot key prefix, KEYS[2..6] as store-index-add.
local old = redis.call('HMGET', h, 'status', 'timezone', 'sendHour', 'topics', 'cadence', 'weeklyDay')
if old[1] then
  redis.call('HINCRBY', KEYS[5], old[1], -1)
  if old[1] == 'confirmed' then
    local suffix, f = slotOf(old)
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', ARGV[1] .. suffix, id)
    if redis.call('HINCRBY', KEYS[4], f, -1) <= 0 then redis.call('HDEL', KEYS[4], f) end
    f = f .. '|' .. (old[4] or '')
    if redis.call('HINCRBY', KEYS[4], f, -1) <= 0 then redis.call('HDEL', KEYS[4], f) end
  elseif old[1] == 'pending' then
    redis.call('ZREM', KEYS[3], id)
  end
end
