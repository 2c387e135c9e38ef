// The subscriber store's Lua: SAVE (write a record and move its indexes) and CREATE
// (the signup's one round trip), optionally behind a guard. Used by store.ts only.
import { appendEntryLua } from './confirm-outbox.js';

// A confirmed reader's delivery slot: daily readers by (timezone, hour), weekly readers by
// (timezone, hour, day) in keys of their own, so a daily slot never pages through them.
// Returns the zset key suffix (`tz:hour` or `tz:hour:day`) and the slot-index base field
// (`tz|hour` or `tz|hour|@day`; store.ts reads both forms).
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

export const SAVE = `${SLOT_OF}
local h = KEYS[1]
local id = ARGV[2]
local score = tonumber(ARGV[3])
local pendingScore = tonumber(ARGV[4])
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
if ARGV[5] == '__delete__' then
  redis.call('DEL', h)
  redis.call('ZREM', KEYS[6], id)
  return 1
end
redis.call('HSET', h, unpack(ARGV, 5))
${INDEX_ADD}
return 1
`;

// One round trip per signup: claim the id for the address (or find the existing
// record), write the new record with its indexes, and, only when it is new, bump
// the caller's counter, take the caller's once-per-window claim and, when it is taken,
// append the confirmation to the outbox (confirm-outbox.ts).
// KEYS: by-email, confirmed, pending, slot index, status count, all, seq, [counter], [claim, [outbox]]
// ARGV: slot prefix, subscriber key prefix, email, pending score, counter ttl, claim ttl (0 = that
// key is absent), fields...
// Returns {0, id, hgetall...} for an existing record, {1, id, claimed} for a new one.
const CREATE = `${SLOT_OF}
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
redis.call('HSET', h, 'id', id, unpack(ARGV, 7))
${INDEX_ADD}
local k = 8
if tonumber(ARGV[5]) > 0 then
  redis.call('INCR', KEYS[k])
  redis.call('EXPIRE', KEYS[k], tonumber(ARGV[5]))
  k = k + 1
end
local claimed = 0
if tonumber(ARGV[6]) > 0 then
  if redis.call('SET', KEYS[k], '1', 'EX', tonumber(ARGV[6]), 'NX') then
    claimed = 1
    if KEYS[k + 1] then ${appendEntryLua('KEYS[k + 1]', 'id', 'ARGV[4]')} end
  end
end
return {1, id, claimed}
`;

/**
 * Checks that must pass before a create, run in the create's own round trip (the
 * signup's rate limits and suppression: rate-limits.ts). `lua` defines
 * `local function guard(K, A)`, which returns nothing to go on or an array that stops
 * the create; K and A are `keys` and `args`.
 */
export interface CreateGuard {
  lua: string;
  keys: readonly string[];
  args: readonly (string | number)[];
}

// KEYS: guard keys, then CREATE's. ARGV: guard key count, guard arg count, guard args, then CREATE's.
// Stopped: {2, guard's array...}. The locals KEYS and ARGV hide the globals for CREATE's body.
const guarded = (guardLua: string) => `
${guardLua}
local nk, na = tonumber(ARGV[1]), tonumber(ARGV[2])
local stop = guard({unpack(KEYS, 1, nk)}, {unpack(ARGV, 3, na + 2)})
if stop then return {2, unpack(stop)} end
local KEYS, ARGV = {unpack(KEYS, nk + 1)}, {unpack(ARGV, na + 3)}
${CREATE}`;
const guardedScripts = new Map<string, string>();

/** The create script, with the guard's checks at its top when there is one. */
export function createScript(guardLua?: string): string {
  if (!guardLua) return CREATE;
  let script = guardedScripts.get(guardLua);
  if (!script) guardedScripts.set(guardLua, (script = guarded(guardLua)));
  return script;
}
