// Build-time template filling for templates/*.mjml and *.txt. Deliberately tiny:
// `{{ name }}` is replaced once (values are never re-scanned, so a story title that
// contains `{{ footer }}` stays text), `{{! ... }}` is a comment, and a missing value
// is an error rather than an empty hole. Loops and conditions live in TypeScript.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SafeHtml, escapeHtml } from '../html.js';
import { TEMPLATES_DIR } from '../paths.js';

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const COMMENT = /\{\{![\s\S]*?\}\}\n?/g;
const SLOT = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

const cache = new Map<string, string>();

/** Read `templates/<name>` once per process, comments stripped. */
export function loadTemplate(name: string, dir = TEMPLATES_DIR): string {
  const path = join(dir, name);
  let text = cache.get(path);
  if (text === undefined) {
    try {
      text = readFileSync(path, 'utf8').replace(COMMENT, '');
    } catch (err) {
      throw new TemplateError(`cannot read template ${name}: ${(err as Error).message}`);
    }
    cache.set(path, text);
  }
  return text;
}

export type MarkupValue = string | number | SafeHtml;

function substitute(name: string, template: string, lookup: (key: string) => string | undefined): string {
  return template.replace(SLOT, (_whole, key: string) => {
    const value = lookup(key);
    if (value === undefined) throw new TemplateError(`template ${name}: no value for {{ ${key} }}`);
    return value;
  });
}

/** Fill an MJML template: plain strings and numbers are HTML-escaped, SafeHtml goes in as is. */
export function fillMarkup(name: string, values: Record<string, MarkupValue>): SafeHtml {
  const template = loadTemplate(name);
  return new SafeHtml(
    substitute(name, template, (key) => {
      const v = values[key];
      if (v === undefined) return undefined;
      return v instanceof SafeHtml ? v.value : escapeHtml(v);
    }),
  );
}

/** Fill a text template: values go in verbatim (the text part is not HTML). */
export function fillText(name: string, values: Record<string, string | number>): string {
  const template = loadTemplate(name);
  return substitute(name, template, (key) => {
    const v = values[key];
    return v === undefined ? undefined : String(v);
  });
}
