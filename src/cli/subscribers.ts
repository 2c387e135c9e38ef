// `digest subscribers import FILE.csv [--confirmed]`, `export`, `forget EMAIL`.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import type { AppContext } from '../context.js';
import { InvalidAddressError } from '../subscribers/address.js';
import { forget, importRow, type ImportOutcome } from '../subscribers/rules.js';
import type { Subscriber } from '../subscribers/model.js';
import { unknownSymbols } from '../subscribers/choices.js';
import { watchOptions } from '../stories/sources-schema.js';
import { describeIssue } from '../subscribers/schemas.js';
import { neutraliseCell, restoreCell } from './csv-cells.js';
import type { Output } from './output.js';

export const EXPORT_COLUMNS = [
  'email', 'status', 'name', 'topics', 'timezone', 'send_hour', 'weekdays_only', 'cadence', 'weekly_day', 'watchlist', 'created_at',
  'confirmed_at', 'unsubscribed_at', 'consent_at', 'consent_ip', 'consent_user_agent', 'consent_source',
] as const;

/** Header aliases, including a Mailchimp audience export. */
const ALIASES: Record<string, string> = {
  'email address': 'email', 'e-mail': 'email', mail: 'email', 'first name': 'name', fname: 'name', sendhour: 'send_hour',
  'send hour': 'send_hour', 'time zone': 'timezone', tz: 'timezone',
};

export interface ImportReport {
  imported: number;
  existing: number;
  suppressed: number;
  errors: { line: number; reason: string }[];
}

function rowToInput(row: Record<string, string>) {
  const get = (k: string) => (row[k] ?? '').trim();
  return {
    email: get('email'),
    name: get('name') || undefined,
    topics: get('topics') || undefined,
    timezone: get('timezone') || undefined,
    sendHour: get('send_hour') || undefined,
    weekdaysOnly: get('weekdays_only') || undefined,
    cadence: get('cadence') || undefined,
    weeklyDay: get('weekly_day') || undefined,
    watchlist: get('watchlist') || undefined,
  };
}

export async function importSubscribers(ctx: AppContext, file: string, confirmed: boolean): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, existing: 0, suppressed: 0, errors: [] };
  const offered = watchOptions(ctx.config.sources);
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => header.map((h) => ALIASES[h.trim().toLowerCase()] ?? h.trim().toLowerCase()),
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      max_record_size: 64 * 1024,
      info: true,
      cast: (value) => restoreCell(value),
    }),
  );
  for await (const { record: row, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    const line = info.lines;
    if (!('email' in row)) throw new Error('the header row needs an "email" column');
    const parsed = ctx.subscriptions.schemas.signup.safeParse(rowToInput(row));
    if (!parsed.success) {
      report.errors.push({ line, reason: describeIssue(parsed.error).message });
      continue;
    }
    const unknown = unknownSymbols(parsed.data.watchlist ?? [], offered);
    if (unknown.length) {
      report.errors.push({ line, reason: `watchlist: ${unknown.join(', ')} is not a configured market symbol` });
      continue;
    }
    const status = (row.status ?? '').toLowerCase();
    const at = new Date();
    const consent = {
      at: row.consent_at && !Number.isNaN(Date.parse(row.consent_at)) ? new Date(row.consent_at).toISOString() : at.toISOString(),
      ip: (row.consent_ip ?? '').slice(0, 64),
      userAgent: (row.consent_user_agent ?? '').slice(0, 512),
      source: (row.consent_source || (confirmed ? 'import-confirmed' : 'import')).slice(0, 64),
    };
    const confirmedAt = row.confirmed_at && !Number.isNaN(Date.parse(row.confirmed_at)) ? new Date(row.confirmed_at).toISOString() : null;
    let outcome: ImportOutcome;
    try {
      outcome = await importRow(
        { store: ctx.subscribers, subscriptions: ctx.subscriptions, defaults: { timezone: ctx.config.DEFAULT_TIMEZONE, sendHour: ctx.config.DEFAULT_SEND_HOUR } },
        { input: parsed.data, status, consent, confirmedAt },
        confirmed,
        at,
      );
    } catch (err) {
      if (!(err instanceof InvalidAddressError)) throw err;
      report.errors.push({ line, reason: err.message });
      continue;
    }
    if (outcome === 'imported') report.imported++;
    else if (outcome === 'existing') report.existing++;
    else report.suppressed++;
  }
  return report;
}

function toRow(s: Subscriber): string[] {
  return [
    s.email, s.status, s.name, s.topics.join(';'), s.timezone, String(s.sendHour), String(s.weekdaysOnly), s.cadence, s.weeklyDay,
    s.watchlist.join(';'), s.createdAt,
    s.confirmedAt ?? '', s.unsubscribedAt ?? '', s.consent.at, s.consent.ip, s.consent.userAgent, s.consent.source,
  ].map(neutraliseCell);
}

export async function exportSubscribers(ctx: AppContext, write: (chunk: string) => void): Promise<number> {
  write(stringify([EXPORT_COLUMNS as unknown as string[]]));
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const ids = await ctx.subscribers.pageAll(after, 500);
    if (ids.length === 0) return count;
    const subs = (await ctx.subscribers.getMany(ids)).filter((s): s is Subscriber => s !== null);
    if (subs.length) write(stringify(subs.map(toRow)));
    count += subs.length;
    after = ids.at(-1)!;
  }
}

export async function subscribersCommand(ctx: AppContext, args: string[], out: Output): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import': {
      const file = rest.find((a) => !a.startsWith('--'));
      if (!file) return out.usage('digest subscribers import FILE.csv [--confirmed]');
      const report = await importSubscribers(ctx, file, rest.includes('--confirmed'));
      for (const e of report.errors) out.err(`line ${e.line}: ${e.reason}`);
      out.line(`imported ${report.imported}, already present ${report.existing}, suppressed ${report.suppressed}, rejected ${report.errors.length}`);
      return 0;
    }
    case 'export':
      await exportSubscribers(ctx, (chunk) => out.raw(chunk));
      return 0;
    case 'forget': {
      const email = rest[0];
      if (!email) return out.usage('digest subscribers forget EMAIL');
      const found = await forget({ store: ctx.subscribers, redis: ctx.redis, keys: ctx.keys }, email);
      out.line(found ? 'forgotten; the address is suppressed so old lists cannot re-add it' : 'no subscriber with that address; it is now suppressed');
      return 0;
    }
    default:
      return out.usage('digest subscribers import FILE.csv [--confirmed] | export | forget EMAIL');
  }
}
