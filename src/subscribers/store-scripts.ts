// The subscriber store's Lua: SAVE (write a record and move its indexes), CREATE (a new
// record) and SIGNUP (the public signup's one round trip, whatever the address's state,
// optionally behind a guard). Used by store.ts only.
import { appendEntryLua } from './confirm-outbox.js';

// A confirmed reader's delivery slot: daily readers by (timezone, hour), weekly readers by
// (timezone, hour, day) in keys of their own, so a daily slot never pages through them.
// Returns the zset key suffix (`tz:hour` or `tz:hour:day`) and the slot-index base field
// (`tz|hour` or `tz|hour|@day`; store.ts reads both forms). Every script below starts with it.
const SLOT_OF = `
local function slotOf(r)
  if r[5] == 'weekly' then
    local day = r[6]
    if not day or day == '' then day = 'mon' end
    return r[2] .. ':' .. r[3] .. ':' .. day, r[2] .. '|' .. r[3] .. '|@' .. day
  end
  return r[2] .. ':' .. r[3], r[2] .. '|' .. r[3]
end
`;

// Index entries for the record now in hash h (status count, confirmed, slot, pending, all).
// The slot index counts confirmed readers per slot (`timezone|hour`, weekly `timezone|hour|@day`)
// and per slot and topics (`<slot>|topics`, the sorted topic list as stored): the topic
// combinations an edition has to render.
// Shared by SAVE and CREATE; expects h, id, score and pendingScore in scope, KEYS[2..6] as in SAVE.
const INDEX_ADD = `
local new = redis.call('HMGET', h, 'status', 'timezone', 'sendHour', 'topics', 'cadence', 'weeklyDay')
redis.call('HINCRBY', KEYS[5], new[1], 1)
if new[1] == 'confirmed' then
  local suffix, base = slotOf(new)
  redis.call('ZADD', KEYS[2], score, id)
  redis.call('ZADD', ARGV[1] .. suffix, score, id)
  redis.call('HINCRBY', KEYS[4], base, 1)
  redis.call('HINCRBY', KEYS[4], base .. '|' .. (new[4] or ''), 1)
elseif new[1] == 'pending' then
  redis.call('ZADD', KEYS[3], pendingScore, id)
end
redis.call('ZADD', KEYS[6], score, id)
`;

// The index entries of the record in hash h before it changes; the counterpart of INDEX_ADD
// (same names in scope; ARGV[1] is the slot prefix).
const INDEX_REMOVE = `
local old = redis.call('HMGET', h, 'status', 'timezone', 'sendHour', 'topics', 'cadence', 'weeklyDay')
if old[1] then
  redis.call('HINCRBY', KEYS[5], old[1], -1)
  if old[1] == 'confirmed' then
    local suffix, f = slotOf(old)
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', ARGV[1] .. suffix, id)
    if redis.call('HINCRBY', KEYS[4], f, -1) <= 0 then redis.call('HDEL', KEYS[4], f) end
    f = f .. '|' .. (old[4] or '')
    if redis.call('HINCRBY', KEYS[4], f, -1) <= 0 then redis.call('HDEL', KEYS[4], f) end
  elseif old[1] == 'pending' then
    redis.call('ZREM', KEYS[3], id)
  end
end
`;

export const SAVE = `${SLOT_OF}
local h = KEYS[1]
local id = ARGV[2]
local score = tonumber(ARGV[3])
local pendingScore = tonumber(ARGV[4])
${INDEX_REMOVE}
if ARGV[5] == '__delete__' then
  redis.call('DEL', h)
  redis.call('ZREM', KEYS[6], id)
  return 1
end
redis.call('HSET', h, unpack(ARGV, 5))
${INDEX_ADD}
return 1
`;

// Create a record unless the address has one: claim the id for the address (or find the
// existing record) and write the new record with its indexes.
// KEYS: by-email, confirmed, pending, slot index, status count, all, seq.
// ARGV: slot prefix, subscriber key prefix, email, pending score, fields...
// Returns {0, id, hgetall...} for an existing record, {1, id} for a new one.
export const CREATE = `${SLOT_OF}
local id = redis.call('HGET', KEYS[1], ARGV[3])
if id then
  local existing = redis.call('HGETALL', ARGV[2] .. id)
  if #existing > 0 then return {0, id, unpack(existing)} end
  -- the address has an id but no record (removed half-way): write it under that id
else
  id = string.format('%012d', redis.call('INCR', KEYS[7]))
  redis.call('HSET', KEYS[1], ARGV[3], id)
end
local h = ARGV[2] .. id
local score = tonumber(id)
local pendingScore = tonumber(ARGV[4])
redis.call('HSET', h, 'id', id, unpack(ARGV, 5))
${INDEX_ADD}
return {1, id}
`;

// The public signup: one round trip, and the same commands, for every state of the address,
// so neither the answer nor its timing tells the states apart (no record is sent back).
// A new address: CREATE's record, the counter, the 24 h claim and the outbox entry.
// Unsubscribed: a fresh double opt-in with the new choices (old links revoked by
// tokenVersion + 1), the counter, the claim and the entry. Pending: the claim and the
// entry (a re-send, once per 24 h). Confirmed, bounced, complained, or stopped by the
// guard (`padOnly`): nothing changes. Whatever a state does not write for real, it writes
// to the pad: keys of the same kinds, one small copy each, which nothing reads.
// KEYS: by-email, confirmed, pending, slot index, status count, all, seq, counter, claim,
// outbox, then the pad's 11 in the same order plus a record hash.
// ARGV: slot prefix, subscriber key prefix, email, pending score, counter ttl, claim ttl,
// fields... (a new record's, as CREATE). Returns {state before ('new' or the status), id, claimed}.
const SIGNUP = `${SLOT_OF}
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
  ${INDEX_REMOVE}
  local fields = {'id', id}
  for i = 7, #ARGV, 2 do
    if not (before and keep[ARGV[i]]) then
      fields[#fields + 1] = ARGV[i]
      fields[#fields + 1] = ARGV[i + 1]
    end
  end
  redis.call('HSET', h, unpack(fields))
  redis.call('HINCRBY', h, 'tokenVersion', before and 1 or 0)
  ${INDEX_ADD}
  redis.call('INCR', KEYS[8])
  redis.call('EXPIRE', KEYS[8], tonumber(ARGV[5]))
end
local C = (opted or before == 'pending') and REAL or PAD
local claimed = 0
if redis.call('SET', C[9], '1', 'EX', tonumber(ARGV[6]), 'NX') and C == REAL then claimed = 1 end
${appendEntryLua("(claimed == 1 and REAL[10] or PAD[10])", 'id', 'ARGV[4]')}
redis.call('LTRIM', PAD[10], -1, -1)
return {before or 'new', id, claimed}
`;

/**
 * Checks that must pass before a signup, run in the signup's own round trip (its rate
 * limits and suppression: rate-limits.ts). `lua` defines `local function guard(K, A)`,
 * which returns nothing to go on or an array that stops the signup; K and A are `keys`
 * and `args`.
 */
export interface StoreGuard {
  lua: string;
  keys: readonly string[];
  args: readonly (string | number)[];
}

// KEYS: guard keys, then SIGNUP's. ARGV: guard key count, guard arg count, guard args, then
// SIGNUP's. Stopped: {2, guard's array...}, after SIGNUP has run on its pad only (`padOnly`),
// so a stop costs what a signup costs. The locals KEYS and ARGV hide the globals for the body.
const guarded = (guardLua: string) => `
${guardLua}
local nk, na = tonumber(ARGV[1]), tonumber(ARGV[2])
local stop = guard({unpack(KEYS, 1, nk)}, {unpack(ARGV, 3, na + 2)})
local padOnly = stop ~= nil
local KEYS, ARGV = {unpack(KEYS, nk + 1)}, {unpack(ARGV, na + 3)}
local result = (function()
${SIGNUP}
end)()
if stop then return {2, unpack(stop)} end
return result`;
const guardedScripts = new Map<string, string>();

/** The signup script, with the guard's checks at its top when there is one. */
export function signupScript(guardLua?: string): string {
  if (!guardLua) return `local padOnly = false\n${SIGNUP}`;
  let script = guardedScripts.get(guardLua);
  if (!script) guardedScripts.set(guardLua, (script = guarded(guardLua)));
  return script;
}

// Recount one slot's confirmed readers per stored topic list, for readers confirmed before
// the slot index counted topics (their counts are missing, so the slot's sum falls short).
// Atomic, so no save interleaves; afterwards INDEX_ADD/INDEX_REMOVE keep the counts.
// KEYS: slot index, the slot's zset. ARGV: the slot's base field (`timezone|hour`, weekly
// `timezone|hour|@day`), subscriber key prefix. A daily slot's prefix also begins the weekly
// fields of the same hour (`timezone|hour|@day...`): those are not its counts and stay.
// Returns the distinct topic lists.
export const RECOUNT_SLOT_TOPICS = `
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
`;
