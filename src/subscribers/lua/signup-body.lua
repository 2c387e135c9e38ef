-- Include: the public signup, one round trip with the same commands for every state of the
-- address, so neither the answer nor its timing tells the states apart (no record is sent
-- back). A new address: store-create's record, the counter, the 24 h claim and the outbox
-- entry. Unsubscribed: a fresh double opt-in with the new choices (old links revoked by
-- tokenVersion + 1), the counter, the claim and the entry. Pending: the claim and the entry
-- (a re-send, once per 24 h). Confirmed, bounced, complained, or stopped by the guard
-- (padOnly): nothing changes. Whatever a state does not write for real, it writes to the
-- pad: keys of the same kinds, one small copy each, which nothing reads.
-- Expects in scope: padOnly, and KEYS, ARGV as documented in signup.lua.
-- Returns (from the enclosing chunk) {state before ('new' or the status), id, claimed 1/0}.
--@include outbox-append
--@include store-slot-of
local REAL = KEYS
local PAD = {unpack(KEYS, 11, 21)}
local keep = {email = true, createdAt = true, confirmedAt = true, tokenVersion = true}
redis.call('DEL', PAD[9])
local id = redis.call('HGET', REAL[1], ARGV[3])
local before = redis.call('HGET', ARGV[2] .. (id or 'none'), 'status')
if padOnly then before = 'stopped' end
local S = (id or padOnly) and PAD or REAL
local newId = string.format('%012d', redis.call('INCR', S[7]))
redis.call('HSET', S[1], S == REAL and ARGV[3] or 'x', newId)
id = id or newId
local opted = (not before) or before == 'unsubscribed'
do
  local KEYS = opted and REAL or PAD
  local h = opted and (ARGV[2] .. id) or PAD[11]
  local id = opted and id or '000000000000'
  local score = tonumber(id)
  local pendingScore = tonumber(ARGV[4])
  --@include store-index-remove
  local fields = {'id', id}
  for i = 7, #ARGV, 2 do
    if not (before and keep[ARGV[i]]) then
      fields[#fields + 1] = ARGV[i]
      fields[#fields + 1] = ARGV[i + 1]
    end
  end
  redis.call('HSET', h, unpack(fields))
  redis.call('HINCRBY', h, 'tokenVersion', before and 1 or 0)
  --@include store-index-add
  redis.call('INCR', KEYS[8])
  redis.call('EXPIRE', KEYS[8], tonumber(ARGV[5]))
end
local C = (opted or before == 'pending') and REAL or PAD
local claimed = 0
if redis.call('SET', C[9], '1', 'EX', tonumber(ARGV[6]), 'NX') and C == REAL then claimed = 1 end
appendEntry(claimed == 1 and REAL[10] or PAD[10], id, ARGV[4])
redis.call('LTRIM', PAD[10], -1, -1)
return {before or 'new', id, claimed}
