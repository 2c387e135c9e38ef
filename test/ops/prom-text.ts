// A strict reader of the Prometheus text exposition format (0.0.4), enough to
// prove /metrics is well-formed: HELP/TYPE lines, names, escaped labels, values.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count', ''], counter: [''], gauge: [''], untyped: [''] };

export class ExpositionError extends Error {
  override name = 'ExpositionError';
}

function parseValue(raw: string, line: string): number {
  if (raw === 'NaN') return NaN;
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) throw new ExpositionError(`bad value in: ${line}`);
  return Number(raw);
}

function parseLabels(body: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    if (eq < 0) throw new ExpositionError(`bad labels in: ${line}`);
    const key = body.slice(i, eq);
    if (!LABEL.test(key)) throw new ExpositionError(`bad label name "${key}" in: ${line}`);
    if (body[eq + 1] !== '"') throw new ExpositionError(`unquoted label in: ${line}`);
    let j = eq + 2;
    let value = '';
    for (; j < body.length && body[j] !== '"'; j++) {
      if (body[j] === '\\') {
        const next = body[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new ExpositionError(`bad escape in: ${line}`);
      } else value += body[j];
    }
    if (body[j] !== '"') throw new ExpositionError(`unterminated label in: ${line}`);
    if (key in labels) throw new ExpositionError(`duplicate label ${key} in: ${line}`);
    labels[key] = value;
    i = j + 1;
    if (body[i] === ',') i++;
    else if (i !== body.length) throw new ExpositionError(`bad label separator in: ${line}`);
  }
  return labels;
}

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new ExpositionError('exposition must end with a newline');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      const [, kind, name, rest = ''] = meta;
      if (!NAME.test(name!)) throw new ExpositionError(`bad metric name: ${line}`);
      const fam = families.get(name!) ?? { name: name!, type: 'untyped', help: '', samples: [] };
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new ExpositionError(`bad type: ${line}`);
        if (fam.samples.length) throw new ExpositionError(`TYPE after samples: ${line}`);
        fam.type = rest;
      } else fam.help = rest;
      families.set(name!, fam);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!m) throw new ExpositionError(`bad sample line: ${line}`);
    const [, name, labelBody, rawValue] = m;
    const labels = parseLabels(labelBody ?? '', line);
    const fam = [...families.values()].find((f) => (SUFFIXES[f.type] ?? ['']).some((s) => f.name + s === name));
    if (!fam) throw new ExpositionError(`sample without a family: ${line}`);
    const id = `${name}{${Object.entries(labels).sort().map(([k, v]) => `${k}=${v}`).join(',')}}`;
    if (seen.has(id)) throw new ExpositionError(`duplicate series: ${line}`);
    seen.add(id);
    fam.samples.push({ name: name!, labels, value: parseValue(rawValue!, line) });
  }
  return families;
}

/** The value of one series, or undefined. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const fam of families.values()) {
    for (const s of fam.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}
