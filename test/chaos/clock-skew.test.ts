// The chaos suite, short: workers whose clocks are 2 minutes ahead and behind send a scheduled
// slot (one digest each, none early, no busy waiting). About 35 s: it waits for a real slot.
import { describe, it } from 'vitest';
import { runCase } from './cases.js';

describe('chaos (ci scale): clock skew', () => {
  it('13. workers 2 min ahead and behind: each reader once, none before the slot, no spinning', () => runCase(13), 150_000);
});
