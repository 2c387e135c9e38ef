// A CLI Output that records what a command prints, for tests.
import type { Output } from '../../src/cli/output.js';

export function captureOutput() {
  const o = { out: [] as string[], err: [] as string[] };
  const output: Output = {
    line: (t) => o.out.push(t),
    raw: (t) => o.out.push(t),
    err: (t) => o.err.push(t),
    usage: (t) => (o.err.push(`usage: ${t}`), 2),
  };
  return { o, output };
}
