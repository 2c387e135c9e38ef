// Where CLI commands write; tests capture it instead of stdout.
export interface Output {
  line(text: string): void;
  raw(text: string): void;
  err(text: string): void;
  /** Print usage to stderr and return exit code 2. */
  usage(text: string): number;
}

export const stdio: Output = {
  line: (t) => process.stdout.write(`${t}\n`),
  raw: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(`${t}\n`),
  usage: (t) => {
    process.stderr.write(`usage: ${t}\n`);
    return 2;
  },
};

/** A plain aligned table. */
export function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
