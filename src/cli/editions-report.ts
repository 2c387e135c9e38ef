// `digest edition list` (recent editions with their funnel, and cancelled slots)
// and `digest edition report ID` (the full funnel of one edition).
import type { AppContext } from '../context.js';
import { cancelledSlots } from '../delivery/schedule.js';
import { editionFunnel, editionFunnels, funnelRows, type EditionFunnel } from '../ops/edition-funnel.js';
import { duration, shortTime } from '../ops/format.js';
import { table, type Output } from './output.js';

function ports(ctx: AppContext) {
  return { redis: ctx.redis, keys: ctx.keys, editions: ctx.editions, ledger: ctx.ledger };
}

const COLUMNS = ['edition', 'slot (UTC)', 'status', 'due', 'sent', 'failed', 'bounced', 'unknown', 'skipped', 'pending', 'lag'];
const row = (e: EditionFunnel) => [e.id, shortTime(e.slot), e.status, e.due, e.sent, e.failed, e.bounced, e.unknown, e.skipped, e.pending, duration(e.lagSec)];

/** `digest edition list [--days N]` (default 7 days). */
export async function editionListCommand(ctx: AppContext, args: string[], out: Output): Promise<number> {
  let days = 7;
  if (args.length) {
    const n = Number(args[1]);
    if (args[0] !== '--days' || args.length !== 2 || !Number.isInteger(n) || n < 1 || n > 90) return out.usage('digest edition list [--days N]');
    days = n;
  }
  const sinceMs = Date.now() - days * 86_400_000;
  const p = ports(ctx);
  const [funnels, cancelled] = await Promise.all([editionFunnels(p, { sinceMs, limit: 500 }), cancelledSlots(p, sinceMs)]);
  if (funnels.length === 0) out.line(`no editions in the last ${days} day(s)`);
  else out.line(table([COLUMNS, ...funnels.map(row)]));
  if (cancelled.length) {
    out.line('');
    out.line(table([['cancelled slot (UTC)', 'reason'], ...cancelled.map((c) => [shortTime(c.slot), c.reason])]));
  }
  return 0;
}

/** `digest edition report ID`: exit 1 when there is no such edition. */
export async function editionReportCommand(ctx: AppContext, args: string[], out: Output): Promise<number> {
  const [id, ...rest] = args;
  if (!id || rest.length || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return out.usage('digest edition report ID');
  const e = await editionFunnel(ports(ctx), id);
  if (!e) {
    out.err(`no edition "${id}" (see digest edition list)`);
    return 1;
  }
  // Lower-case labels read better in a terminal table.
  out.line(table([['edition', e.id], ...funnelRows(e, '-').map(([label, value]) => [label.toLowerCase().replace('(utc)', '(UTC)'), value])]));
  return 0;
}
