// Uniform output: a readable two-column table, then one JSON line (the last line a
// benchmark prints). Figures sit beside their same-run baseline as a ratio.
export type Row = [label: string, value: string];

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
export const mb = (bytes: number): number => round(bytes / 1024 / 1024, 1);

export function ratio(figure: number, baseline: number): number {
  return baseline > 0 ? round(figure / baseline, 3) : 0;
}

/** `0.91 × baseline (goal ≥ 0.8) ok` */
export function verdict(value: number, goal: number, higherIsBetter = true): string {
  const ok = higherIsBetter ? value >= goal : value <= goal;
  return `${ok ? 'MET' : 'MISSED'} (goal ${higherIsBetter ? '≥' : '≤'} ${goal})`;
}

export function printTable(rows: Row[]): void {
  const w = Math.max(...rows.map((r) => r[0].length), 6);
  console.log(`| ${'figure'.padEnd(w)} | value |`);
  console.log(`| ${'-'.repeat(w)} | ----- |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
}

export function printJson(bench: string, figures: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench, ...figures }));
}

/** Thrown when a benchmark's correctness check fails: the figures are not to be trusted. */
export class BenchCheckError extends Error {
  override name = 'BenchCheckError';
}

export function check(ok: boolean, message: string): void {
  if (!ok) throw new BenchCheckError(message);
}
