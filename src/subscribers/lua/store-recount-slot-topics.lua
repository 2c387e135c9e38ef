-- Recount one slot's confirmed readers per stored topic list, for readers confirmed before
-- the slot index counted topics (their counts are missing, so the slot's sum falls short).
-- Atomic, so no save interleaves; afterwards store-index-add/remove keep the counts.
-- KEYS[1] slot index (hash of counts)
-- KEYS[2] the slot's zset
-- ARGV[1] the slot's base field (`timezone|hour`, weekly `timezone|hour|@day`); a daily
-- slot's prefix also begins the weekly fields of the same hour (`timezone|hour|@day...`):
-- those are not its counts and stay
-- ARGV[2] subscriber key prefix
-- Returns the distinct topic lists.
local prefix = ARGV[1] .. '|'
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(f, 1, #prefix) == prefix and string.sub(f, #prefix + 1, #prefix + 1) ~= '@' then redis.call('HDEL', KEYS[1], f) end
end
local seen, out = {}, {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local t = redis.call('HGET', ARGV[2] .. id, 'topics') or ''
  redis.call('HINCRBY', KEYS[1], prefix .. t, 1)
  if not seen[t] then
    seen[t] = true
    out[#out + 1] = t
  end
end
return out
