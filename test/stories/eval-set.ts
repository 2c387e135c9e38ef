// The clustering evaluation set: hand-written stories labelled by event, with each
// outlet's style applied the way its feed presents items (Title Case, no summary,
// "Comments", a boilerplate tail, a " - Publisher" suffix). news-3days.txt is split
// by event into the tuning part and held-out A; news-3days-b.txt, written after the
// tuning, is held-out B.
import { createHash } from 'node:crypto';
import type { Labelled } from './labelled.js';
import { fixture } from './server.js';

export const PARTS = ['tuning', 'held-out A', 'held-out B'] as const;
export type Part = (typeof PARTS)[number];
export interface EvalStory extends Labelled {
  part: Part;
}

interface Outlet {
  name: string;
  titleCase: boolean;
  asIs: boolean;
  noSummary: boolean;
  summary?: string;
  tail?: string;
  suffix: boolean;
}

const SMALL = new Set('a an and as at but by for in nor of on or per the to vs via'.split(' '));
const PUBLISHERS = ['Reuters', 'Bloomberg', 'Reuters', 'CNBC', 'The Wall Street Journal', 'Reuters', 'AP News'];

/** AP-style Title Case, as US and tech outlets print headlines; iOS, eBay and 26.3 stay as they are. */
export function titleCase(title: string): string {
  return title
    .split(' ')
    .map((word, i, all) => {
      const afterColon = i > 0 && /:$/.test(all[i - 1]!);
      if (i > 0 && !afterColon && SMALL.has(word)) return word;
      return word.replace(/(^|-)(\p{Ll})(?=[\p{Ll}'’]*(-|$|[^\p{L}]))/gu, (_m, pre: string, c: string) => pre + c.toUpperCase());
    })
    .join(' ');
}

function outlet(options: string, name: string): Outlet {
  const o: Outlet = { name, titleCase: false, asIs: false, noSummary: false, suffix: false };
  for (const opt of options.split(', ')) {
    const [key, value] = opt.split('=') as [string, string | undefined];
    if (key === 'title') o.titleCase = true;
    else if (key === 'asis') o.asIs = true;
    else if (key === 'nosummary') o.noSummary = true;
    else if (key === 'suffix') o.suffix = true;
    else if (key === 'summary') o.summary = value;
    else if (key === 'tail') o.tail = value;
  }
  return o;
}

function splitByEvent(label: string): Part {
  return createHash('sha1').update(label).digest()[0]! % 5 < 3 ? 'tuning' : 'held-out A';
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

export function evalSet(): EvalStory[] {
  return [...readSet('news-3days.txt', 'N', splitByEvent), ...readSet('news-3days-b.txt', 'B', () => 'held-out B')];
}

function readSet(file: string, idPrefix: string, partOf: (label: string) => Part): EvalStory[] {
  const outlets = new Map<string, Outlet>();
  const out: EvalStory[] = [];
  let day0 = NaN;
  for (const line of fixture(`feeds/${file}`).toString('utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (line.startsWith('% day0 ')) {
      day0 = Date.parse(`${line.slice(7).trim()}T00:00:00Z`);
      continue;
    }
    const cells = line.replace(/^@ /, '').split(' | ').map((c) => c.trim());
    if (line.startsWith('@ ')) {
      outlets.set(cells[0]!, outlet(cells[2]!, cells[1]!));
      continue;
    }
    const [label, sourceId, when, rawTitle, rawSummary] = cells as [string, string, string, string, string];
    const o = outlets.get(sourceId);
    if (!o) throw new Error(`${file}: unknown source ${sourceId}`);
    const [, day, hh, mm] = /^d(-?\d+) (\d\d):(\d\d)$/.exec(when) ?? [];
    if (day === undefined || Number.isNaN(day0)) throw new Error(`${file}: bad time ${when} (or no "% day0" line)`);
    const n = out.length;
    let title = o.titleCase && !o.asIs ? titleCase(rawTitle) : rawTitle;
    if (o.suffix) title = `${title} - ${PUBLISHERS[n % PUBLISHERS.length]}`;
    let summary = o.noSummary || rawSummary === '-' ? '' : rawSummary;
    if (o.summary !== undefined) summary = o.summary;
    if (o.tail) summary = `${summary} ${o.tail}`.trim();
    const id = `${idPrefix}${String(n).padStart(3, '0')}`;
    const eventLabel = label === '-' ? `only-${id}` : label;
    out.push({
      id,
      label: eventLabel,
      sourceId,
      sourceName: o.name,
      title,
      summary,
      publishedAt: new Date(day0 + Number(day) * 86_400_000 + (Number(hh) * 60 + Number(mm)) * 60_000).toISOString(),
      url: `https://${sourceId}.example.com/${slug(rawTitle)}-${n}`,
      part: partOf(eventLabel),
    });
  }
  return out;
}
