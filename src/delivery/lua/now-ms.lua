-- Include: defines nowMs(), Redis's clock in ms, so claim ages, the earliest send and the
-- rate's windows never depend on a worker's clock.
-- Expects in scope: nothing.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
