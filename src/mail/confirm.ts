// The confirmation mail: MJML compiled once per process, then the link filled in,
// escaped. It carries nothing the requester chose (no name): whoever asks for it can
// type any address, so fixed wording and the link are all it may say.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeHtml } from '../html.js';
import { TEMPLATES_DIR } from '../paths.js';
import { compileMjml } from '../editions/compile.js';
import { TemplateError } from '../editions/templates.js';

export interface ConfirmMailValues {
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

/**
 * Replace every {{key}} of the template in one pass; a placeholder without a value is a
 * template bug and throws. Values are never scanned: text that looks like `{{x}}` is text.
 */
export function fill(template: string, values: Record<string, string>, escape: (s: string) => string): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (whole, key: string) => {
    if (!Object.hasOwn(values, key)) throw new TemplateError(`unreplaced placeholder ${whole}`);
    return escape(values[key]!);
  });
}

export async function renderConfirmMail(values: ConfirmMailValues): Promise<RenderedMail> {
  const compiled = await compileSystemTemplate('confirm');
  const vars = {
    confirm_url: values.confirmUrl,
    postal_address: values.postalAddress,
  };
  return {
    subject: 'Please confirm your subscription',
    html: fill(compiled.html, vars, escapeHtml),
    text: fill(compiled.text, vars, (s) => s.replace(/[\r\n]+/g, ' ')),
  };
}
