-- Take the 24 h confirmation claim and append the outbox entry in one step (resend,
-- re-subscribe).
-- KEYS[1] the 24 h claim
-- KEYS[2] the confirmation outbox (list)
-- ARGV[1] claim TTL (s)
-- ARGV[2] subscriber id
-- ARGV[3] ms
-- Returns 1 when claimed (and appended), 0 when a mail went out recently.
--@include outbox-append
if not redis.call('SET', KEYS[1], '1', 'EX', tonumber(ARGV[1]), 'NX') then return 0 end
appendEntry(KEYS[2], ARGV[2], ARGV[3])
return 1
