// Mails that are the same for every reader but their greeting and links (welcome,
// confirmation): built from templates/ with the digest's partials and brand, compiled
// once per process, then personalised like a digest variant (placeholders, never re-scanned).
import type { Brand } from '../brand.js';
import { SafeHtml } from '../html.js';
import type { Topic } from '../topics.js';
import { compileMjml, type CompileMjml } from '../editions/compile.js';
import { footerMarkup, headerMarkup, type FooterLinks } from '../editions/digest-mjml.js';
import { footerText } from '../editions/digest-text.js';
import { asciiHtml } from '../editions/format.js';
import { readerPlaceholder, type EditionVariant } from '../editions/model.js';
import { personalise, type PersonalisedMessage, type Reader } from '../editions/personalise.js';
import { fillMarkup, fillText, type MarkupValue } from '../editions/templates.js';

/** What every system mail shows: the brand, where the archive is, the postal address, the topics on offer. */
export interface SystemMailSettings {
  brand: Brand;
  /** PUBLIC_URL, without a trailing slash (config.ts normalises it once). */
  publicUrl: string;
  postalAddress: string;
  topics: readonly Topic[];
}

// Fixed rather than random: nothing from a feed goes into these mails.
const TOKEN = '0000000000sm';

/** A reader's own value in a system mail: a placeholder filled per reader (see personalise.ts). */
export const field = (name: Parameters<typeof readerPlaceholder>[1]) => readerPlaceholder(TOKEN, name);

export interface SystemMailSource {
  /** `templates/<name>.mjml` and `.txt`. */
  template: string;
  subject: string;
  preheader: string;
  header: { date: string; intro: string };
  why: string;
  links: FooterLinks;
  /** The template's own values: markup for the .mjml (strings are escaped), text for the .txt. */
  markup: Record<string, MarkupValue>;
  text: Record<string, string>;
}

export function archiveUrl(settings: SystemMailSettings): string {
  return `${settings.publicUrl}/archive`;
}

async function compileSystemMail(settings: SystemMailSettings, mail: SystemMailSource, compile: CompileMjml): Promise<EditionVariant> {
  const footer = { why: mail.why, postalAddress: settings.postalAddress, links: mail.links };
  const mjml = fillMarkup(`${mail.template}.mjml`, {
    ...mail.markup,
    title: mail.subject,
    preheader: mail.preheader,
    head: fillMarkup('partials/head.mjml', {}),
    header: headerMarkup(settings.brand, { ...mail.header, greeting: new SafeHtml(field('greeting')) }),
    brandColor: settings.brand.color,
    footer: footerMarkup(TOKEN, footer),
  }).value;
  const html = asciiHtml(await compile(mjml));
  const text = fillText(`${mail.template}.txt`, {
    ...mail.text,
    brand: settings.brand.name,
    greeting: field('greeting'),
    footer: footerText(TOKEN, footer),
  });
  return {
    editionId: mail.template,
    key: mail.template,
    topics: settings.topics.map((t) => t.id),
    subject: mail.subject,
    preheader: mail.preheader,
    html,
    text,
    token: TOKEN,
    storyIds: [],
    archiveUrl: archiveUrl(settings),
    htmlBytes: Buffer.byteLength(html),
    compileMs: 0,
  };
}

/** Compiled on first use (once per process, again only after a failure), personalised per call. */
export function systemMailRenderer(
  settings: SystemMailSettings,
  mail: SystemMailSource,
  compile: CompileMjml = compileMjml,
): (reader: Reader) => Promise<PersonalisedMessage> {
  let compiled: Promise<EditionVariant> | undefined;
  return async (reader) => {
    compiled ??= compileSystemMail(settings, mail, compile).catch((err: unknown) => {
      compiled = undefined;
      throw err;
    });
    return personalise(await compiled, { browserUrl: archiveUrl(settings), ...reader });
  };
}
