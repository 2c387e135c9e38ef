-- Include: defines nowIso(), Redis's clock as an ISO 8601 UTC time with milliseconds
-- (2026-12-01T07:00:00.123Z), so the times an edition's report shows (started, fan-out done,
-- finished) never depend on the clock of the worker that wrote them; and isoOf(seconds,
-- microseconds), the same for any time.
-- Expects in scope: nothing.
local function isoOf(secs, micros)
  secs = tonumber(secs)
  local days = math.floor(secs / 86400)
  local rem = secs - days * 86400
  -- Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local day = doy - math.floor((153 * mp + 2) / 5) + 1
  local month = mp < 10 and mp + 3 or mp - 9
  local year = yoe + era * 400 + (month <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', year, month, day,
    math.floor(rem / 3600), math.floor(rem % 3600 / 60), rem % 60, math.floor(tonumber(micros) / 1000))
end

local function nowIso()
  local t = redis.call('TIME')
  return isoOf(t[1], t[2])
end
