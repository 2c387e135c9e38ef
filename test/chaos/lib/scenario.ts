// What a scenario is and what it hands back: one row of the table, the broken
// invariants (empty = pass), and notes (measured figures, what was not checkable).
import type { Tally } from './invariants.js';

export type ScaleName = 'full' | 'short' | 'ci';

export interface Scale {
  name: ScaleName;
  /** Readers per edition. */
  readers: number;
  /** kill -9 rounds in scenario 1. */
  kills: number;
  /** Signup flood requests (scenario 5). */
  floodRequests: number;
  /** Hostile signup payloads (scenario 6). */
  hostilePayloads: number;
  /** SMTP outage length (scenario 3). */
  refuseMs: number;
  /** Length of each other SMTP fault phase (scenario 3). */
  faultPhaseMs: number;
  /** SMTP_OUTAGE_PAUSE_SEC for the system (the default, 30, in the full run). */
  outagePauseSec: number;
}

export const SCALES: Record<ScaleName, Scale> = {
  full: { name: 'full', readers: 3000, kills: 3, floodRequests: 20_000, hostilePayloads: 5000, refuseMs: 30_000, faultPhaseMs: 15_000, outagePauseSec: 30 },
  /** The version inside `npm test`: every mechanism, small numbers. */
  ci: { name: 'ci', readers: 120, kills: 1, floodRequests: 1000, hostilePayloads: 300, refuseMs: 2000, faultPhaseMs: 2000, outagePauseSec: 1 },
  short: { name: 'short', readers: 300, kills: 1, floodRequests: 2000, hostilePayloads: 600, refuseMs: 3000, faultPhaseMs: 4000, outagePauseSec: 2 },
};

export interface Row extends Tally {
  scenario: string;
  timeMs: number;
}

export interface ScenarioResult {
  row: Row;
  violations: string[];
  notes: string[];
}

export interface Scenario {
  id: number;
  name: string;
  run(seed: number, scale: Scale): Promise<Omit<ScenarioResult, 'row'> & { tally: Tally }>;
}

export async function runScenario(s: Scenario, seed: number, scale: Scale): Promise<ScenarioResult> {
  const t0 = Date.now();
  const label = `${s.id}. ${s.name}`;
  try {
    const r = await s.run(seed, scale);
    return { row: { scenario: label, ...r.tally, timeMs: Date.now() - t0 }, violations: r.violations, notes: r.notes };
  } catch (err) {
    const e = err as Error;
    return {
      row: { scenario: label, expected: 0, delivered: 0, duplicates: 0, lost: 0, unknown: 0, timeMs: Date.now() - t0 },
      violations: [`scenario failed: ${e.stack ?? e.message}`],
      notes: [],
    };
  }
}

export function table(results: ScenarioResult[]): string {
  const head = ['scenario', 'expected', 'delivered', 'duplicates', 'lost', 'unknown', 'time', 'result'];
  const rows = results.map((r) => [
    r.row.scenario,
    String(r.row.expected),
    String(r.row.delivered),
    String(r.row.duplicates),
    String(r.row.lost),
    String(r.row.unknown),
    `${(r.row.timeMs / 1000).toFixed(1)} s`,
    r.violations.length ? `FAIL (${r.violations.length})` : 'pass',
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((h, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}
