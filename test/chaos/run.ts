// `npm run chaos [-- --seed N] [--scale full|short] [--only 1,3] [--write]`
// Runs the scenarios one after another against a freshly started system each,
// prints the table, exits 1 on any broken invariant. --write puts the table in RELIABILITY.md.
import { parseArgs } from 'node:util';
import { killAll } from './lib/children.js';
import { runScenario, SCALES, table, type ScaleName, type ScenarioResult } from './lib/scenario.js';
import { SCENARIOS } from './scenarios/index.js';
import { writeReliability } from './lib/report.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    scale: { type: 'string', default: 'full' },
    only: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const scale = SCALES[values.scale as ScaleName];
if (!scale || !Number.isFinite(seed)) {
  console.error('usage: npm run chaos -- [--seed N] [--scale full|short] [--only 1,3] [--write]');
  process.exit(2);
}
const only = values.only ? new Set(values.only.split(',').map(Number)) : null;
const started = Date.now();
const results: ScenarioResult[] = [];
try {
  for (const s of SCENARIOS) {
    if (only && !only.has(s.id)) continue;
    console.error(`[chaos] ${s.id}. ${s.name} (seed ${seed}, ${scale.name})…`);
    const r = await runScenario(s, seed + s.id, scale);
    results.push(r);
    for (const n of r.notes) console.error(`  note: ${n}`);
    for (const v of r.violations) console.error(`  BROKEN: ${v}`);
  }
} finally {
  killAll();
}
const command = `npm run chaos -- --seed ${seed} --scale ${scale.name}${values.only ? ` --only ${values.only}` : ''}`;
console.log(`\n${command}   (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
console.log(table(results));
if (values.write) writeReliability(command, results);
process.exit(results.some((r) => r.violations.length) ? 1 : 0);
