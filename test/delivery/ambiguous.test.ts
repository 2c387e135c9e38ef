// The relay accepts a message and the connection drops before its 250 reaches us:
// the message may well be delivered, so it must not be sent again (ledger `unknown`).
import { afterEach, describe, expect, it } from 'vitest';
import { rig, type Rig } from './fixtures/run.js';
import { seedReaders } from './fixtures/harness.js';
import { countPerRecipient } from './fixtures/spawn.js';
import { QUEUE } from '../../src/queues/names.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('connection lost after the relay accepted', () => {
  it('sends nobody two copies; the lost replies end as counted unknowns', async () => {
    r = await rig({ SEND_CONCURRENCY: '4' });
    await seedReaders(r.ctx.subscribers, 40);
    let accepted = 0;
    const dropped = new Set<string>();
    // Every 7th accepted message loses its reply.
    r.smtp.dropAfterAccept = (rcpts) => {
      accepted++;
      if (accepted % 7 !== 0) return false;
      rcpts.forEach((a) => dropped.add(a));
      return true;
    };
    r.startWorkers({ outagePauseMs: 200 });
    const slot = new Date().toISOString();
    await r.ctx.queues[QUEUE.edition].add('edition', { slot, mode: 'now' });
    const report = await r.waitFinished(r.ports.editions.editionIdForSlot(slot, 'now'), 30_000);
    await new Promise((res) => setTimeout(res, 500));

    const counts = countPerRecipient(r.smtp);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]); // no duplicates
    expect(counts.size).toBe(40); // everyone has the message (the dropped ones too: the relay kept them)
    expect(dropped.size).toBeGreaterThan(0);
    expect(report).toMatchObject({ queued: 40, sent: 40 - dropped.size, unknown: dropped.size, failed: 0 });
  }, 60_000);
});

describe('classifySmtpError', () => {
  it('tells a lost reply from a relay that never answered', async () => {
    const { AmbiguousDeliveryError, RelayUnavailableError } = await import('../../src/delivery/transport/failures.js');
    const { classifySmtpError } = await import('../../src/delivery/transport/smtp-transport.js');
    const lost = Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION', command: 'CONN' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ESOCKET', command: 'CONN' });
    const beforeGreeting = Object.assign(new Error('Reached maximum number of retries after connection was closed'), { code: 'ECONNECTION' });
    expect(classifySmtpError(lost)).toBeInstanceOf(AmbiguousDeliveryError);
    expect(classifySmtpError(refused)).toBeInstanceOf(RelayUnavailableError);
    expect(classifySmtpError(beforeGreeting)).toBeInstanceOf(RelayUnavailableError);
  });
});

describe('a failure the transport already classified', () => {
  it('is acted on by its class: send.ts never classifies it again', async () => {
    const { createSender } = await import('../../src/delivery/send.js');
    const { RelayUnavailableError, TransientDeliveryError, PermanentDeliveryError } = await import('../../src/delivery/transport/failures.js');
    r = await rig();
    const [id] = await seedReaders(r.ctx.subscribers, 1);
    const built = await r.ports.editions.build({ slot: new Date().toISOString(), mode: 'now' });
    await r.ledger.start(built.editionId, { slot: new Date().toISOString(), mode: 'now' });
    await r.ledger.markQueued(built.editionId, [id!]);
    // A provider of its own (as a new transport file would be), throwing the neutral classes.
    let next: Error = new RelayUnavailableError('provider down', null);
    const sender = createSender({
      redis: r.ctx.redis, keys: r.ctx.keys, ledger: r.ledger, ports: r.ports, log: r.ctx.log, skipEmpty: false,
      mailer: { send: async () => { throw next; } },
      mail: { from: 'D <d@news.example.com>', mailDomain: 'news.example.com', listId: '', listName: 'D', feedbackSender: 'mddigest' },
      inFlight: 4,
    });
    // The relay down: the page stops with the same error, the claim is given back.
    await expect(sender.sendPage(built.editionId, [id!], { finalAttempt: false })).rejects.toBe(next);
    expect(await r.ledger.state(built.editionId, id!)).toBe('queued');
    // A transient failure: the reader is handed back for a retry of its own, with the same error.
    next = new TransientDeliveryError('try later', 451);
    const page = await sender.sendPage(built.editionId, [id!], { finalAttempt: false });
    expect(page.retries).toEqual([{ subscriberId: id, reason: 'transient', retryInMs: 0, error: next }]);
    expect(await r.ledger.state(built.editionId, id!)).toBe('queued');
    next = new PermanentDeliveryError('no such mailbox', 550, true);
    expect((await sender.sendPage(built.editionId, [id!], { finalAttempt: false })).outcomes.get(id!)).toBe('bounced');
    expect(await r.ledger.state(built.editionId, id!)).toBe('bounced');
    expect((await r.ctx.subscribers.get(id!))!.status).toBe('bounced');
  }, 30_000);
});
