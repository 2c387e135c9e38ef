// The chaos suite, short: the public edges under abuse (signup flood, hostile
// input and tokens, hostile feeds, escaping, admin auth, SECRET_KEY).
// Scenario 4 (scheduler restart across a slot) needs a real slot boundary and runs in `npm run chaos` only.
import { describe, it } from 'vitest';
import { runCase } from './cases.js';

describe('chaos (ci scale): edges', () => {
  it('5. signup flood while sending', () => runCase(5), 150_000);
  it('6. hostile signups, tokens and feeds', () => runCase(6), 150_000);
  it('7. admin auth, escaping, SECRET_KEY', () => runCase(7), 150_000);
});
