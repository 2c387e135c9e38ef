-- Add old editions' outcome counts into the totals hash, compare-and-set on its `upTo`
-- mark, so a concurrent fold changes nothing.
-- KEYS[1] totals hash (outcome → count, upTo → slot ms)
-- ARGV[1] the upTo mark the caller read ('' for none)
-- ARGV[2] the new upTo mark (slot ms)
-- ARGV[3..] outcome, count pairs
-- Returns 1 when folded, 0 when the mark moved meanwhile.
local cur = redis.call('HGET', KEYS[1], 'upTo') or ''
if cur ~= ARGV[1] then return 0 end
for i = 3, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], tonumber(ARGV[i + 1])) end
redis.call('HSET', KEYS[1], 'upTo', ARGV[2])
return 1
