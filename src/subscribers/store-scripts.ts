// The subscriber store's Lua (lua/, headers there: KEYS, ARGV, return): save (write a
// record and move its indexes), create (a new record), signup (the public signup's one
// round trip, whatever the address's state, optionally behind the signup guard) and the
// slot's topic recount. Used by store.ts only.
import { luaCommands } from '../lua.js';

export const storeCommands = luaCommands(import.meta.url, {
  subscriberSave: { file: 'lua/store-save.lua', keys: 6 },
  subscriberCreate: { file: 'lua/store-create.lua', keys: 7 },
  subscriberSignup: { file: 'lua/signup.lua', keys: 21 },
  subscriberSignupGuarded: { file: 'lua/signup-guarded.lua' },
  subscriberRecountSlotTopics: { file: 'lua/store-recount-slot-topics.lua', keys: 2 },
});

/**
 * The signup guard's keys and args (lua/signup-guard.lua: its rate limits and suppression,
 * rate-limits.ts), run first in the signup's own round trip. It returns nothing to go on,
 * or an array that stops the signup.
 */
export interface StoreGuard {
  keys: readonly string[];
  args: readonly (string | number)[];
}
