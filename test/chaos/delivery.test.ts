// The chaos suite, short: delivery under crashes, Redis restarts and a bad relay,
// against the real processes. The full run is `npm run chaos` (see RELIABILITY.md).
import { describe, it } from 'vitest';
import { runCase } from './cases.js';

describe('chaos (ci scale): delivery', () => {
  it('1. kill -9 a worker mid-edition: nobody gets two, only counted unknowns miss out', () => runCase(1), 150_000);
  it('2. Redis restarted during fan-out and sending', () => runCase(2), 150_000);
  it('3. SMTP refuses, answers 421, drops mid-DATA, is slow', () => runCase(3), 150_000);
});
