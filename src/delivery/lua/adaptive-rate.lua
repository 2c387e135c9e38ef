-- The shared send rate as congestion control (AIMD): add this process's outcomes to the
-- current window (Redis's clock); close the window when it is old and large enough (or at
-- once when nearly everything was throttled) and halve the rate, or raise it by a
-- twentieth of the ceiling, or keep it.
-- KEYS[1] rate hash (rate, windowStart, windowOk, windowThrottled)
-- ARGV[1] messages through since the last report
-- ARGV[2] messages throttled since the last report
-- ARGV[3] ceiling (messages/s)
-- ARGV[4] floor (messages/s)
-- ARGV[5] shortest window (ms)
-- ARGV[6] throttled share above which the rate halves
-- ARGV[7] throttled share from which the relay counts as refusing everyone
-- ARGV[8] fewest outcomes a window is judged on (a window without throttles: at once)
-- Returns {rate (string), verdict ('same'|'slower'|'faster'|'refusing')}. The permit bucket
-- (send-rate-take.lua) fills at the new rate from its next take.
--@include now-ms
local now = nowMs()
local ceiling, floor = tonumber(ARGV[3]), tonumber(ARGV[4])
local h = redis.call('HMGET', KEYS[1], 'rate', 'windowStart', 'windowOk', 'windowThrottled')
local rate = math.min(tonumber(h[1] or ARGV[3]), ceiling)
local start = tonumber(h[2] or tostring(now))
local ok = tonumber(h[3] or '0') + tonumber(ARGV[1])
local th = tonumber(h[4] or '0') + tonumber(ARGV[2])
local verdict = 'same'
local closed = false
if th >= 5 and th / (ok + th) >= tonumber(ARGV[7]) then
  rate, verdict, closed = floor, 'refusing', true
elseif now - start >= tonumber(ARGV[5]) and (th == 0 or ok + th >= tonumber(ARGV[8])) then
  if th >= 2 and th / (ok + th) > tonumber(ARGV[6]) then
    rate, verdict = math.max(floor, rate / 2), 'slower'
  elseif th == 0 and ok > 0 and rate < ceiling then
    rate, verdict = math.min(ceiling, rate + math.max(1, ceiling / 20)), 'faster'
  end
  closed = true
end
if closed then ok, th, start = 0, 0, now end
redis.call('HSET', KEYS[1], 'rate', tostring(rate), 'windowStart', start, 'windowOk', ok, 'windowThrottled', th)
return {tostring(rate), verdict}
