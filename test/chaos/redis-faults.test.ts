// The chaos suite, short: Redis crashes (kill -9, AOF always and everysec), fills up
// (maxmemory), and one worker is partitioned from it, all during sending.
import { describe, it } from 'vitest';
import { runCase } from './cases.js';

describe('chaos (ci scale): Redis crash, full, partition', () => {
  it('10. Redis kill -9 mid-edition: nothing doubles with AOF always; within the window with everysec', () => runCase(10), 150_000);
  it('11. Redis at maxmemory: signups 503 with nothing stored, sending waits and resumes, the reason shown', () => runCase(11), 150_000);
  it('12. one worker partitioned from Redis: its jobs taken over, nothing doubles, it rejoins', () => runCase(12), 150_000);
});
