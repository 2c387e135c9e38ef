// Worker and API processes in benchmarks run as production runs them: compiled JS
// under plain node (the image runs dist/), not through tsx, whose loader thread and
// transpile cache add tens of MB and some CPU. Built into bench/results/build (ignored).
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = fileURLToPath(new URL('../results/build/', import.meta.url));

/** node argv (after the node binary) that runs `digest <command...>`. */
export function digestArgs(useTsx: boolean): string[] {
  if (useTsx) return [fileURLToPath(new URL('../../bin/digest.js', import.meta.url))];
  return [`${OUT}src/cli/main.js`];
}

let built = false;
/** Compile src/ once per benchmark run (tsc emits even past type errors elsewhere). */
export function buildOnce(): void {
  if (built) return;
  try {
    execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${ROOT}tsconfig.build.json`, '--outDir', OUT], { stdio: 'pipe' });
  } catch (err) {
    // Type errors still emit JavaScript; only a missing output is fatal.
    const out = (err as { stdout?: Buffer }).stdout?.toString() ?? '';
    console.warn(`tsc reported problems (continuing with the emitted JS):\n${out.split('\n').slice(0, 5).join('\n')}`);
  }
  // As `npm run build` does: the Lua scripts (and any other non-TypeScript file) beside the JS.
  cpSync(`${ROOT}src`, `${OUT}src`, { recursive: true, filter: (p) => !p.endsWith('.ts') });
  built = true;
}

/**
 * The worker's NODE_OPTIONS in docker-compose.yml (V8 heap settings): benchmark workers run
 * with what the default deployment gives them. `--v8-defaults` in a bench passes '' instead.
 */
export function workerNodeOptions(): string {
  const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string> }>;
  };
  return compose.services.worker?.environment?.NODE_OPTIONS ?? '';
}
