-- Include: index entries for the record now in hash h: status count, confirmed, slot,
-- pending, all. The slot index counts confirmed readers per slot (`timezone|hour`, weekly
-- `timezone|hour|@day`) and per slot and topics (`<slot>|topics`, the sorted topic list as
-- stored): the topic combinations an edition has to render. Counterpart of store-index-remove.
-- Expects in scope: slotOf (store-slot-of), h (record hash), id, score, pendingScore, ARGV[1] slot key prefix,
-- KEYS[2] confirmed, KEYS[3] pending, KEYS[4] slot index, KEYS[5] status count, KEYS[6] all
-- (KEYS may be a local table standing for the script's keys).
local new = redis.call('HMGET', h, 'status', 'timezone', 'sendHour', 'topics', 'cadence', 'weeklyDay')
redis.call('HINCRBY', KEYS[5], new[1], 1)
if new[1] == 'confirmed' then
  local suffix, base = slotOf(new)
  redis.call('ZADD', KEYS[2], score, id)
  redis.call('ZADD', ARGV[1] .. suffix, score, id)
  redis.call('HINCRBY', KEYS[4], base, 1)
  redis.call('HINCRBY', KEYS[4], base .. '|' .. (new[4] or ''), 1)
elseif new[1] == 'pending' then
  redis.call('ZADD', KEYS[3], pendingScore, id)
end
redis.call('ZADD', KEYS[6], score, id)
