// Where CLI commands write; tests capture it instead of stdout. What reaches the
// terminal has its control characters removed: feed titles and error texts are
// someone else's text, and an escape sequence in them would drive the operator's
// terminal (clear it, retitle it, hide lines). Tab and line feed stay.
import { stripControls } from '../controls.js';

export interface Output {
  line(text: string): void;
  raw(text: string): void;
  err(text: string): void;
  /** Print usage to stderr and return exit code 2. */
  usage(text: string): number;
}

interface Writable {
  write(text: string): unknown;
}

/** An Output onto two streams that never passes a control character through. */
export function terminalOutput(stdout: Writable, stderr: Writable): Output {
  return {
    line: (t) => stdout.write(`${stripControls(t)}\n`),
    raw: (t) => stdout.write(stripControls(t)),
    err: (t) => stderr.write(`${stripControls(t)}\n`),
    usage: (t) => {
      stderr.write(`usage: ${stripControls(t)}\n`);
      return 2;
    },
  };
}

export const stdio: Output = terminalOutput(process.stdout, process.stderr);

/** A plain aligned table. */
export function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
