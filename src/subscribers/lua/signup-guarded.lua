-- The public signup behind the signup guard (signup-guard: rate limits and suppression),
-- in the same round trip. A stopped signup still runs signup-body, on its pad only
-- (padOnly), so a stop costs what a signup costs.
-- KEYS[1..nk] the guard's keys (signup-guard's K), then signup.lua's KEYS
-- ARGV[1] nk: the guard's key count
-- ARGV[2] na: the guard's arg count
-- ARGV[3..na+2] the guard's args (signup-guard's A), then signup.lua's ARGV
-- Returns {2, guard's answer...} when stopped, else signup.lua's answer.
--@include signup-guard
local nk, na = tonumber(ARGV[1]), tonumber(ARGV[2])
local stop = guard({unpack(KEYS, 1, nk)}, {unpack(ARGV, 3, na + 2)})
local padOnly = stop ~= nil
-- The locals KEYS and ARGV hide the globals for the body.
local KEYS, ARGV = {unpack(KEYS, nk + 1)}, {unpack(ARGV, na + 3)}
local result = (function()
  --@include signup-body
end)()
if stop then return {2, unpack(stop)} end
return result
