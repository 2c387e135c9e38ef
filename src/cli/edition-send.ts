// `digest edition send --now [--wait]`: an operator's "send now" to every confirmed
// subscriber whatever their hour. With --wait: block until the edition is
// delivered, print the funnel, exit 0 only if nothing failed.
import { QueueEvents } from 'bullmq';
import type { AppContext } from '../context.js';
import { QUEUE } from '../queues/names.js';
import type { EditionReport } from '../delivery/ledger.js';
import { editionJobId } from '../delivery/schedule.js';
import { stdio, type Output } from './output.js';

export interface EditionSendOptions {
  out?: Output;
  /** How often --wait reads the ledger (default 1 s). */
  pollMs?: number;
  now?: () => Date;
}

const funnel = (r: EditionReport) =>
  `sent ${r.sent}  failed ${r.failed}  bounced ${r.bounced}  unknown ${r.unknown}  skipped ${r.skipped}  (of ${r.queued} queued)`;

export async function editionSendCommand(ctx: AppContext, args: string[], options: EditionSendOptions = {}): Promise<number> {
  const out = options.out ?? stdio;
  if (!args.includes('--now') || args.some((a) => a !== '--now' && a !== '--wait')) return out.usage('digest edition send --now [--wait]');
  const slot = (options.now ?? (() => new Date()))().toISOString();
  const events = args.includes('--wait') ? new QueueEvents(QUEUE.edition, { connection: ctx.connection, prefix: ctx.queuePrefix(QUEUE.edition) }) : null;
  try {
    await events?.waitUntilReady();
    const job = await ctx.queues[QUEUE.edition].add('edition', { slot, mode: 'now' }, { jobId: editionJobId(slot, 'now') });
    out.line(`edition for every confirmed subscriber queued (slot ${slot})`);
    if (!events) return 0;

    const built = (await job.waitUntilFinished(events)) as { editionId: string; status: string };
    if (built.status !== 'ready' && built.status !== 'sending') {
      out.line(`edition ${built.editionId} not sent: ${built.status}`);
      return 1;
    }
    out.line(`edition ${built.editionId} built; sending…`);
    const { ledger } = ctx;
    let last = '';
    for (;;) {
      const report = await ledger.report(built.editionId);
      const line = funnel(report);
      if (report.finishedAt) {
        out.line(line);
        return report.failed === 0 ? 0 : 1;
      }
      if (report.pausedReason) {
        out.line(line);
        out.err(`edition ${built.editionId} paused: ${report.pausedReason}`);
        return 1;
      }
      if (line !== last) out.err(line);
      last = line;
      await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
    }
  } finally {
    await events?.close();
  }
}
