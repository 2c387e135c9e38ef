// Where the time went: self time per function (and per package) from a V8 .cpuprofile.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  what: string;
  share: number;
}

function where(url: string): string {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 13).split('/').slice(0, url.slice(nm + 13).startsWith('@') ? 2 : 1).join('/');
  const m = /\/(src|workers|bench)\/.*$/.exec(url);
  return m ? m[0].slice(1) : url.startsWith('node:') ? url : url.split('/').slice(-2).join('/');
}

export function summarise(dir: string, top = 15): { functions: HotSpot[]; packages: HotSpot[]; file: string } | null {
  // tsx's loader thread writes its own small profile; the main thread's is the largest.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size);
  const file = files[0];
  if (!file) return null;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  for (const [id, us] of self) if (byId.get(id)!.callFrame.functionName !== '(idle)') total += us;
  total ||= 1;
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const [id, us] of self) {
    const n0 = byId.get(id)!;
    if (n0.callFrame.functionName === '(idle)') continue;
    const n = byId.get(id)!;
    const w = where(n.callFrame.url);
    const name = `${n.callFrame.functionName || '(anonymous)'} ${w}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    pkg.set(w, (pkg.get(w) ?? 0) + us);
  }
  const topOf = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([what, us]) => ({ what, share: Math.round((us / total) * 1000) / 10 }));
  return { functions: topOf(fn), packages: topOf(pkg), file: join(dir, file) };
}
