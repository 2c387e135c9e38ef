// 10. Redis crashes (kill -9, no AOF flush) while an edition is sending, and comes back
// from its AOF: first with `appendfsync always` (every acknowledged write is on disk:
// nothing may double), then with `appendfsync everysec` (up to about a second of writes
// can be lost: a lost claim or `sent` mark can mean a resend, which is counted and must
// stay within what the relay took in that window).
import { CONCURRENCY, finishAndCheck, sendingEnv, startSending, waitShareSent } from '../lib/edition-run.js';
import { createWorld } from '../lib/env.js';
import type { Tally } from '../lib/invariants.js';
import type { Scale, Scenario } from '../lib/scenario.js';

const WORKERS = 2;

interface CrashRun {
  tally: Tally;
  violations: string[];
  notes: string[];
  /** Messages the relay took in the second before the crash (the everysec window). */
  lastSecond: number;
}

async function crashRun(seed: number, scale: Scale, appendfsync: 'always' | 'everysec'): Promise<CrashRun> {
  const w = await createWorld({ seed, appendfsync, system: { env: sendingEnv(scale, 5) } });
  const notes: string[] = [];
  try {
    await w.system.start({ api: true, workers: WORKERS });
    const sending = await startSending(w, scale);
    const at = await waitShareSent(w, sending, scale, 0.3 + w.rng.next() * 0.3);
    const crashedAt = Date.now();
    const lastSecond = (await w.smtp.received()).received.filter((r) => r.kind === 'digest' && r.at >= crashedAt - 1000).length;
    const down = await w.redis!.crash(w.rng.int(1000, 2000));
    notes.push(`appendfsync ${appendfsync}: Redis killed (-9) at ${at.sent} sent, back after ${down.downMs} ms; the relay took ${lastSecond} messages in the second before`);
    return { ...(await finishAndCheck(w, sending, WORKERS * CONCURRENCY)), notes, lastSecond };
  } finally {
    await w.close();
  }
}

export const redisCrash: Scenario = {
  id: 10,
  name: 'Redis kill -9 during sending (AOF always, then everysec)',
  async run(seed, scale) {
    const strict = await crashRun(seed, scale, 'always');
    const loose = await crashRun(seed + 1000, scale, 'everysec');
    // everysec: what was written in the last second may be gone; duplicates beyond that window are a bug.
    const dupViolation = loose.violations.filter((v) => /duplicate/.test(v));
    const others = loose.violations.filter((v) => !/duplicate/.test(v) && !/ledger 'sent' entries|neither sent nor unknown|report sent/.test(v));
    const bound = loose.lastSecond + WORKERS * CONCURRENCY;
    const violations = [...strict.violations.map((v) => `always: ${v}`), ...others.map((v) => `everysec: ${v}`)];
    if (loose.tally.duplicates > bound) violations.push(`everysec: ${loose.tally.duplicates} duplicates > ${bound} (the last second's messages + in flight): ${dupViolation.join('; ')}`);
    const notes = [
      ...strict.notes,
      `always: ${strict.tally.duplicates} duplicates, ${strict.tally.lost} lost, ${strict.tally.unknown} unknown`,
      ...loose.notes,
      `everysec: ${loose.tally.duplicates} duplicates, ${loose.tally.lost} lost, ${loose.tally.unknown} unknown (allowed: up to ${bound} duplicates, the un-fsynced window)`,
      ...loose.violations.filter((v) => !others.includes(v)).map((v) => `everysec (within the window): ${v}`),
    ];
    return { tally: strict.tally, violations, notes };
  },
};
