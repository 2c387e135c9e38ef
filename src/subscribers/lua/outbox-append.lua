-- Include: defines appendEntry(list, id, ms), which appends the confirmation outbox entry
-- `<subscriber id>:<ms>` to the list. The one place that knows the entry's shape besides
-- parseEntry in confirm-outbox.ts.
-- Expects in scope: nothing.
local function appendEntry(list, id, ms)
  redis.call('RPUSH', list, id .. ':' .. ms)
end
