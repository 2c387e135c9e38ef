// Shared by the two `npm test` files: run one scenario at the `ci` scale and
// fail with its broken invariants.
import { expect } from 'vitest';
import { killAll } from './lib/children.js';
import { runScenario, SCALES, table } from './lib/scenario.js';
import { SCENARIOS } from './scenarios/index.js';

/** Fixed seed so a failure in CI replays with `npm run chaos -- --seed 4242 --scale ci --only N`. */
export const CI_SEED = 4242;

export async function runCase(id: number): Promise<void> {
  const scenario = SCENARIOS.find((s) => s.id === id)!;
  try {
    const result = await runScenario(scenario, CI_SEED + id, SCALES.ci);
    console.log(`${table([result])}\n${result.notes.map((n) => `  ${n}`).join('\n')}`);
    expect(result.violations).toEqual([]);
  } finally {
    killAll();
  }
}
