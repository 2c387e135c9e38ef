-- Include: defines slotOf(r), a confirmed reader's delivery slot: daily readers by
-- (timezone, hour), weekly readers by (timezone, hour, day) in keys of their own, so a daily
-- slot never pages through them.
-- Expects in scope: nothing. r is the record's HMGET of status, timezone, sendHour, topics,
-- cadence, weeklyDay.
-- slotOf() returns the zset key suffix (`tz:hour` or `tz:hour:day`) and the slot index's base
-- field (`tz|hour` or `tz|hour|@day`; store.ts reads both forms).
local function slotOf(r)
  if r[5] == 'weekly' then
    local day = r[6]
    if not day or day == '' then day = 'mon' end
    return r[2] .. ':' .. r[3] .. ':' .. day, r[2] .. '|' .. r[3] .. '|@' .. day
  end
  return r[2] .. ':' .. r[3], r[2] .. '|' .. r[3]
end
