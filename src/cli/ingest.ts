// `digest ingest [--wait]` and `digest sources check`.
import type { AppContext } from '../context.js';
import { QUEUE } from '../queues/names.js';
import { IngestBusyError, runIngest, type IngestDeps } from '../stories/ingest.js';
import type { IngestReport } from '../stories/report.js';
import { enqueueManualIngest } from '../stories/schedule.js';
import { stdio, table, type Output } from './output.js';

function deps(ctx: AppContext): IngestDeps {
  return { pool: ctx.stories, sources: ctx.config.sources, log: ctx.log };
}

function printSources(out: Output, report: IngestReport): void {
  out.line(
    table([
      ['source', 'status', 'items', 'new', 'ms', 'error'],
      ...report.sources.map((s) => [s.sourceId, s.status, s.items, s.newStories, s.ms, s.error ?? '']),
    ]),
  );
  const m = report.market;
  if (m.quotes) out.line(`market (${m.provider}): ${m.fresh} fresh, ${m.stale} stale, ${m.missing} missing${m.errors.length ? `; ${m.errors.length} error(s), first: ${m.errors[0]}` : ''}`);
}

/** Without --wait: enqueue a job and print its id. With --wait: run it here and print per-source results. */
export async function ingestCommand(ctx: AppContext, args: string[], out: Output = stdio): Promise<number> {
  const unknown = args.filter((a) => a !== '--wait');
  if (unknown.length) return out.usage('digest ingest [--wait]');
  if (!args.includes('--wait')) {
    const job = await enqueueManualIngest(ctx.queues[QUEUE.ingest], new Date());
    out.line(`queued ingest job ${job.id}`);
    return 0;
  }
  let report: IngestReport;
  try {
    report = await runIngest(deps(ctx));
  } catch (err) {
    if (err instanceof IngestBusyError) {
      out.err('another ingest run is in progress; try again in a minute');
      return 75; // EX_TEMPFAIL
    }
    throw err;
  }
  printSources(out, report);
  const ok = report.sources.filter((s) => s.status !== 'unhealthy').length;
  out.line(`${ok}/${report.sources.length} sources ok, ${report.clusters.newStories} new stories, ${report.clusters.changed} clusters changed`);
  return ok === 0 && report.sources.length > 0 ? 1 : 0;
}

/** Fetch every source once (no conditional GET, nothing stored but health) and print its health. */
export async function sourcesCheckCommand(ctx: AppContext, args: string[], out: Output = stdio): Promise<number> {
  if (args.length && !(args.length === 1 && args[0] === 'check')) return out.usage('digest sources check');
  const report = await runIngest(deps(ctx), { checkOnly: true });
  printSources(out, report);
  return 0;
}
