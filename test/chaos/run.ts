// `npm run chaos [-- --seed N] [--seeds K] [--scale full|short] [--only 1,3] [--write]`
// Runs the scenarios one after another against a freshly started system each,
// prints the table, exits 1 on any broken invariant. --write puts the table in RELIABILITY.md.
// --seeds K (the nightly run): every chosen scenario with seeds N, N+1, …, N+K-1, then one line
// per failing (scenario, seed) with the command that replays it.
import { parseArgs } from 'node:util';
import { killAll } from './lib/children.js';
import { runScenario, SCALES, table, type ScaleName, type ScenarioResult } from './lib/scenario.js';
import { SCENARIOS } from './scenarios/index.js';
import { writeReliability } from './lib/report.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    seeds: { type: 'string', default: '1' },
    scale: { type: 'string', default: 'full' },
    only: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const seeds = Number(values.seeds);
const scale = SCALES[values.scale as ScaleName];
if (!scale || !Number.isFinite(seed) || !Number.isInteger(seeds) || seeds < 1) {
  console.error('usage: npm run chaos -- [--seed N] [--seeds K] [--scale full|short|ci] [--only 1,3] [--write]');
  process.exit(2);
}
const only = values.only ? new Set(values.only.split(',').map(Number)) : null;
const started = Date.now();
const results: ScenarioResult[] = [];
const failures: string[] = [];
try {
  for (let k = 0; k < seeds; k++) {
    for (const s of SCENARIOS) {
      if (only && !only.has(s.id)) continue;
      console.error(`[chaos] ${s.id}. ${s.name} (seed ${seed + k}, ${scale.name})…`);
      const r = await runScenario(s, seed + k + s.id, scale);
      results.push(r);
      for (const n of r.notes) console.error(`  note: ${n}`);
      for (const v of r.violations) console.error(`  BROKEN: ${v}`);
      if (r.violations.length) failures.push(`npm run chaos -- --seed ${seed + k} --scale ${scale.name} --only ${s.id}   # ${r.violations[0]!.slice(0, 160)}`);
      killAll();
    }
  }
} finally {
  killAll();
}
const command = `npm run chaos -- --seed ${seed}${seeds > 1 ? ` --seeds ${seeds}` : ''} --scale ${scale.name}${values.only ? ` --only ${values.only}` : ''}`;
console.log(`\n${command}   (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
console.log(table(results));
if (seeds > 1) console.log(`\n${results.length - failures.length} of ${results.length} runs passed${failures.length ? `; replay the failures:\n${failures.join('\n')}` : ''}`);
if (values.write) writeReliability(command, results);
process.exit(failures.length ? 1 : 0);
