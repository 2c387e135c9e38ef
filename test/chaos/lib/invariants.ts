// The invariants checked after every scenario, from three independent records:
// what the SMTP server received, the send ledger, and the operators' /metrics.
import type { RedisClient } from '../../../src/redis.js';
import { createLedger, type EditionReport } from '../../../src/delivery/ledger.js';
import { keyspace } from '../../../src/keys.js';
import type { Audience } from './seed.js';
import type { Received } from './smtp-protocol.js';

export interface Tally {
  expected: number;
  delivered: number;
  duplicates: number;
  lost: number;
  unknown: number;
}

export interface EditionCheck {
  editionId: string;
  audience: Audience;
  /** Most messages that can have been in flight across every process death / Redis restart of the scenario. */
  inFlightBound: number;
  /** Readers the fan-out should queue (readers + confirmed-but-suppressed), when known. */
  queued?: number;
}

export interface CheckResult {
  tally: Tally;
  report: EditionReport;
  violations: string[];
}

/** `<editionId.subscriberId@domain>` → [editionId, subscriberId] */
export function parseDigestId(messageId: string): [string, string] | null {
  const m = /^<([A-Za-z0-9-]+)\.(\d{12})@/.exec(messageId);
  return m ? [m[1]!, m[2]!] : null;
}

export async function checkEdition(redis: RedisClient, prefix: string, received: Received[], c: EditionCheck): Promise<CheckResult> {
  const keys = keyspace(prefix);
  const violations: string[] = [];
  const report = await createLedger({ redis, keys }).report(c.editionId);
  const entries = await redis.hgetall(keys.ledger(c.editionId));
  const perSub = new Map<string, number>();
  for (const r of received) {
    if (r.kind !== 'digest') continue;
    const parsed = parseDigestId(r.messageId);
    if (!parsed || parsed[0] !== c.editionId) continue;
    perSub.set(parsed[1], (perSub.get(parsed[1]) ?? 0) + 1);
    const want = c.audience.readers.get(parsed[1]) ?? c.audience.forbidden.get(parsed[1]);
    if (want && (r.to.length !== 1 || r.to[0] !== want)) violations.push(`message ${r.messageId} went to ${r.to.join(',')} instead of ${want}`);
  }

  let delivered = 0;
  let lost = 0;
  let duplicates = 0;
  for (const n of perSub.values()) duplicates += Math.max(0, n - 1);
  for (const [id, email] of c.audience.readers) {
    const n = perSub.get(id) ?? 0;
    if (n > 0) delivered++;
    else if (entries[id] !== 'unknown') {
      lost++;
      if (lost <= 5) violations.push(`reader ${email} (${id}) got nothing; ledger says ${entries[id] ?? 'no entry'}`);
    }
  }
  for (const [id, email] of c.audience.forbidden) {
    if (perSub.has(id)) violations.push(`message to ${email} (${id}), who must not be mailed (ledger: ${entries[id] ?? 'none'})`);
  }
  if (duplicates > 0) {
    const times = (id: string) => received.filter((r) => parseDigestId(r.messageId)?.[1] === id && parseDigestId(r.messageId)?.[0] === c.editionId).map((r) => new Date(r.at).toISOString().slice(11, 23));
    const dup = [...perSub].filter(([, n]) => n > 1).slice(0, 3).map(([id, n]) => `${id} ×${n} at ${times(id).join(', ')}`);
    violations.push(`${duplicates} duplicate message(s): ${dup.join('; ')}`);
  }
  if (lost > 5) violations.push(`… ${lost} readers lost in all`);
  if (!report.finishedAt) violations.push(`edition ${c.editionId} did not finish: ${JSON.stringify(report)}`);
  if (report.unknown > c.inFlightBound) violations.push(`${report.unknown} unknown > ${c.inFlightBound} that can have been in flight`);

  // Operators' numbers against the SMTP server: every `sent` entry was received once;
  // anything received beyond that is one of the counted unknowns.
  const sentEntries = Object.entries(entries).filter(([, s]) => s === 'sent');
  const sentMissing = sentEntries.filter(([id]) => !perSub.has(id)).length;
  if (sentMissing > 0) violations.push(`${sentMissing} ledger 'sent' entries with no message at the SMTP server`);
  const extra = [...perSub.keys()].filter((id) => entries[id] !== 'sent' && entries[id] !== 'unknown');
  if (extra.length > 0) violations.push(`${extra.length} messages received whose ledger entry is neither sent nor unknown (e.g. ${extra[0]}: ${entries[extra[0]!]})`);
  if (report.sent !== sentEntries.length) violations.push(`report sent ${report.sent} ≠ ${sentEntries.length} ledger entries in 'sent'`);
  if (c.queued !== undefined && report.queued !== c.queued) violations.push(`report queued ${report.queued} ≠ ${c.queued} due`);
  if (report.failed + report.bounced > 0) violations.push(`${report.failed} failed / ${report.bounced} bounced (none expected)`);

  return { tally: { expected: c.audience.readers.size, delivered, duplicates, lost, unknown: report.unknown }, report, violations };
}

/** No digest of any edition to a forbidden address, whatever edition it belongs to. */
export function checkForbidden(received: Received[], forbidden: Iterable<string>): string[] {
  const set = new Set([...forbidden].map((a) => a.toLowerCase()));
  return received.filter((r) => r.kind === 'digest' && r.to.some((a) => set.has(a))).map((r) => `digest ${r.messageId} to forbidden ${r.to.join(',')}`);
}

/** digest_messages_total{outcome=…} from the api's /metrics; null when /metrics is not served. */
export async function metricsTotals(apiUrl: string): Promise<Record<string, number> | null> {
  const res = await fetch(`${apiUrl}/metrics`);
  if (res.status === 404) return null;
  const text = await res.text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^digest_messages_total\{outcome="(\w+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

/**
 * The operators' /metrics must agree with the ledger reports of every edition, read at the same
 * moment. A send whose outcome was written late (its run outlived its lock, or Redis was away)
 * may still move an entry from `unknown` to `sent` after the edition finished, so both are read
 * again until they agree or 15 s have passed; a disagreement that lasts is a broken invariant.
 */
export async function checkMetrics(apiUrl: string, redis: RedisClient, prefix: string): Promise<{ violations: string[]; note?: string }> {
  const keys = keyspace(prefix);
  const ledger = createLedger({ redis, keys });
  const until = Date.now() + 15_000;
  for (;;) {
    const m = await metricsTotals(apiUrl);
    if (m === null) return { violations: [], note: '/metrics not served by the api process (not wired)' };
    const reports = await Promise.all((await redis.zrange(keys.editionIndex(), 0, -1)).map((id) => ledger.report(id)));
    const violations: string[] = [];
    for (const outcome of ['sent', 'unknown', 'failed', 'bounced'] as const) {
      const want = reports.reduce((n, r) => n + r[outcome], 0);
      if ((m[outcome] ?? 0) !== want) violations.push(`/metrics digest_messages_total{outcome="${outcome}"} = ${m[outcome] ?? 0}, ledger says ${want}`);
    }
    if (violations.length === 0 || Date.now() > until) return { violations };
    await new Promise((r) => setTimeout(r, 500));
  }
}
