// RELIABILITY.md: the latest table, the command that produced it, and the notes.
import { readFileSync, writeFileSync } from 'node:fs';
import { table, type ScenarioResult } from './scenario.js';

const START = '<!-- chaos:results:start -->';
const END = '<!-- chaos:results:end -->';

export function writeReliability(command: string, results: ScenarioResult[], path = 'RELIABILITY.md'): void {
  const body = [
    START,
    `Latest run (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${process.platform} ${process.arch}, Node ${process.version}):`,
    '',
    '```sh',
    command,
    '```',
    '',
    table(results),
    '',
    ...results.flatMap((r) => [
      `- **${r.row.scenario}**: ${r.violations.length ? r.violations.map((v) => `BROKEN ${v}`).join('; ') : 'all invariants hold'}`,
      ...r.notes.map((n) => `  - ${n}`),
    ]),
    END,
  ].join('\n');
  let doc: string;
  try {
    doc = readFileSync(path, 'utf8');
  } catch {
    doc = `# Reliability\n\n${START}\n${END}\n`;
  }
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  doc = a >= 0 && b > a ? doc.slice(0, a) + body + doc.slice(b + END.length) : `${doc}\n${body}\n`;
  writeFileSync(path, doc);
}
