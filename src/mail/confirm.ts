// The confirmation mail: MJML compiled once per process, then per-reader values
// (link, name) filled in, escaped. Same path as the digest's "compile once" rule.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeHtml } from '../html.js';
import { TEMPLATES_DIR } from '../paths.js';
import { compileMjml } from '../editions/compile.js';
import { TemplateError } from '../editions/templates.js';

export interface ConfirmMailValues {
  name: string;
  confirmUrl: string;
  postalAddress: string;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

interface Compiled {
  html: string;
  text: string;
}

const cache = new Map<string, Promise<Compiled>>();

/** Compile `templates/<name>.mjml` (strict) and load `<name>.txt`, once per process. */
export function compileSystemTemplate(name: string): Promise<Compiled> {
  let entry = cache.get(name);
  if (!entry) {
    entry = (async () => {
      const [source, text] = await Promise.all([
        readFile(join(TEMPLATES_DIR, `${name}.mjml`), 'utf8'),
        readFile(join(TEMPLATES_DIR, `${name}.txt`), 'utf8'),
      ]);
      return { html: await compileMjml(source), text };
    })();
    entry.catch(() => cache.delete(name));
    cache.set(name, entry);
  }
  return entry;
}

/** Replace every {{key}}; refuse to send a message with a placeholder left over. */
export function fill(template: string, values: Record<string, string>, escape: (s: string) => string): string {
  const out = template.replace(/\{\{([a-z_]+)\}\}/g, (whole, key: string) =>
    key in values ? escape(values[key]!) : whole,
  );
  const left = /\{\{[a-z_]+\}\}/.exec(out);
  if (left) throw new TemplateError(`unreplaced placeholder ${left[0]}`);
  return out;
}

export async function renderConfirmMail(values: ConfirmMailValues): Promise<RenderedMail> {
  const compiled = await compileSystemTemplate('confirm');
  const vars = {
    greeting_name: values.name ? ` ${values.name}` : '',
    confirm_url: values.confirmUrl,
    postal_address: values.postalAddress,
  };
  return {
    subject: 'Please confirm your subscription',
    html: fill(compiled.html, vars, escapeHtml),
    text: fill(compiled.text, vars, (s) => s.replace(/[\r\n]+/g, ' ')),
  };
}
