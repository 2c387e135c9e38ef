// `npm run bench` runs every benchmark; `npm run bench -- NAME [args]` runs one.
// Each benchmark module in bench/ named NAME.bench.ts default-exports { name, run(args) };
// it prints its own table and, last, one JSON line with its figures.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Benchmark {
  name: string;
  description: string;
  run(args: string[]): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort();
const [only, ...rest] = process.argv.slice(2);
const chosen = only && !only.startsWith('-') ? files.filter((f) => f === `${only}.bench.ts`) : files;
if (chosen.length === 0) {
  console.error(`no benchmark named "${only}"; have: ${files.map((f) => f.replace('.bench.ts', '')).join(', ')}`);
  process.exit(2);
}
const args = only && !only.startsWith('-') ? rest : process.argv.slice(2);
for (const file of chosen) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Benchmark };
  console.log(`\n## ${mod.default.name}: ${mod.default.description}\n`);
  await mod.default.run(args);
}
process.exit(0);
