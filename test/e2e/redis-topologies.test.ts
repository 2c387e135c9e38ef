// The whole path on a real Redis Cluster (3 masters) and on a real primary + replica +
// 3 Sentinels: signup → confirm → ingest → edition → send, every reader exactly once.
// Failover during sending is chaos scenarios 8 and 9 (test/chaos/edges.test.ts runs them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Output } from '../../src/cli/output.js';
import { editionSendCommand } from '../../src/cli/edition-send.js';
import { ingestCommand } from '../../src/cli/ingest.js';
import { startChaosFeeds, type ChaosFeeds } from '../chaos/lib/feeds.js';
import { uniquePrefix } from '../helpers/env.js';
import { startCluster, startSentinel, type Topology } from '../helpers/redis-topologies.js';
import { linkFrom, startStack, type Stack } from '../helpers/stack.js';

const quiet = (): Output & { text: string } => {
  const o = { text: '', line: (t: string) => void (o.text += `${t}\n`), raw: (t: string) => void (o.text += t), err: (t: string) => void (o.text += `${t}\n`), usage: () => 2 };
  return o;
};

const READERS = ['ann@example.com', 'bo@example.com', 'cy@example.com'];

describe.each([
  ['Cluster (3 masters)', () => startCluster({ masters: 3 })],
  ['Sentinel (primary, replica, 3 Sentinels)', () => startSentinel()],
] as const)('whole path on %s', (_name, start) => {
  let topology: Topology;
  let feeds: ChaosFeeds;
  let stack: Stack;

  beforeAll(async () => {
    topology = await start();
    feeds = await startChaosFeeds();
    // The hash tag is what a cluster needs; Sentinel takes it as it takes any prefix.
    stack = await startStack({ ...topology.env, KEY_PREFIX: `{${uniquePrefix('topo')}}`, SOURCES_FILE: feeds.sourcesFile, SEND_RATE_PER_SEC: '1000' });
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
    await feeds?.close();
    await topology?.stop();
  });

  it('signs readers up, confirms them, ingests, builds and sends one digest each', async () => {
    for (const email of READERS) {
      const res = await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email, topics: ['markets', 'world'] }, headers: { accept: 'application/json' } });
      expect(res.statusCode).toBe(202);
    }
    // A copy: welcome mails join the live list as readers confirm.
    const confirmations = (await stack.smtp.waitFor(READERS.length)).slice(0, READERS.length);
    for (const mail of confirmations) {
      const path = new URL(linkFrom(mail.parsed.text!, 'http://localhost:3000/confirm/')).pathname;
      expect((await stack.app.inject({ method: 'POST', url: path })).statusCode).toBe(200);
    }
    for (const email of READERS) expect((await stack.ctx.subscribers.findByEmail(email))?.status).toBe('confirmed');

    const ingest = quiet();
    expect(await ingestCommand(stack.ctx, ['--wait'], ingest)).toBe(0);
    expect(ingest.text).toMatch(/2\/2 sources ok/);

    const out = quiet();
    expect(await editionSendCommand(stack.ctx, ['--now', '--wait'], { out, pollMs: 200 })).toBe(0);
    expect(out.text).toMatch(/sent 3\s+failed 0\s+bounced 0\s+unknown 0/);
    // 3 confirmations, 3 welcomes, 3 digests; wait until all are in, then check nothing more came.
    await stack.smtp.waitFor(3 * READERS.length);
    await new Promise((r) => setTimeout(r, 300));
    // Digests are the mails whose Feedback-ID names the digest campaign (confirmations and welcomes do not).
    const digests = stack.smtp.messages.filter((m) => /:digest:/.test(String(m.parsed.headers.get('feedback-id') ?? '')));
    expect(digests.map((m) => m.envelopeTo[0]).sort()).toEqual(READERS);
    expect(stack.smtp.messages).toHaveLength(3 * READERS.length);
  }, 120_000);
});
