// The README is the operator's contract: every variable and command it must name.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../src/config.js';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('documents every environment variable the service reads', () => {
    const missing = Object.keys(EnvSchema.shape).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('gives the two quick-start commands', () => {
    expect(readme).toMatch(/docker compose up/);
    expect(readme).toMatch(/npm test/);
  });

  it.each([
    'digest api', 'digest worker', 'digest scheduler', 'digest all', 'digest ingest', 'digest sources check',
    'digest edition preview', 'digest edition send --now', 'digest edition list', 'digest edition report',
    'digest subscribers import', 'digest subscribers export', 'digest subscribers forget', 'digest queues',
  ])('documents `%s`', (command) => {
    expect(readme).toContain(command);
  });
});
