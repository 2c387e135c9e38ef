// Per-reader fill of a compiled variant: microseconds, no MJML. Each variant's HTML
// and text are split once at their `%%<token>:<field>%%` placeholders (cached), so
// a reader costs a few escapes and a join. The token is random per edition, so feed
// text cannot forge a placeholder.
import { escapeHtml, safeUrl } from '../html.js';
import { asciiHtml, longDate, oneLine, shortDate } from './format.js';
import { READER_FIELDS, type EditionVariant, type ReaderField } from './model.js';
import { arrangeVariant } from './watchlist.js';

export class PlaceholderError extends Error {
  override name = 'PlaceholderError';
}

export class ReaderLinkError extends Error {
  override name = 'ReaderLinkError';
}

/** A reader's values; a link a mail does not use may be left out (one it uses must be there). */
export interface Reader {
  name: string;
  unsubscribeUrl?: string;
  preferencesUrl?: string;
  confirmUrl?: string;
  /** Defaults to the edition's archive page. */
  browserUrl?: string;
  /** The reader's IANA zone: the date in the header and subject is theirs. Defaults to the edition's. */
  timezone?: string;
  /** The reader's choices in words, for mails that show them (welcome). */
  choices?: string;
  /** Market symbols the reader watches: their rows and stories come first. */
  watchlist?: readonly string[];
}

export interface PersonalisedMessage {
  subject: string;
  html: string;
  text: string;
}

interface Split {
  parts: string[];
  fields: ReaderField[];
}

interface Prepared {
  subject: Split;
  html: Split;
  text: Split;
  /** Every field the three use, once. */
  fields: ReaderField[];
}

const KNOWN = new Set<string>(READER_FIELDS);
const cache = new Map<string, Prepared>();
const CACHE_SIZE = 256; // variants × watchlist arrangements in use (watchlist.ts)

function split(source: string, token: string, what: string): Split {
  const marker = `%%${token}:`;
  const parts: string[] = [];
  const fields: ReaderField[] = [];
  let from = 0;
  for (let at = source.indexOf(marker); at !== -1; at = source.indexOf(marker, from)) {
    const end = source.indexOf('%%', at + marker.length);
    const field = end === -1 ? '' : source.slice(at + marker.length, end);
    if (!KNOWN.has(field)) throw new PlaceholderError(`${what}: unknown placeholder "${source.slice(at, at + 60)}"`);
    parts.push(source.slice(from, at));
    fields.push(field as ReaderField);
    from = end + 2;
  }
  parts.push(source.slice(from));
  return { parts, fields };
}

/** Split a variant once; later calls for the same variant hit the cache. */
export function prepareVariant(variant: EditionVariant): Prepared {
  const key = `${variant.editionId}|${variant.key}|${variant.token}|${variant.html.length}|${variant.text.length}|${variant.subject}|${variant.arrangement ?? ''}`;
  let prepared = cache.get(key);
  if (!prepared) {
    const subject = split(variant.subject, variant.token, `${variant.editionId}/${variant.key} subject`);
    const html = split(variant.html, variant.token, `${variant.editionId}/${variant.key} html`);
    const text = split(variant.text, variant.token, `${variant.editionId}/${variant.key} text`);
    prepared = { subject, html, text, fields: [...new Set([...subject.fields, ...html.fields, ...text.fields])] };
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, prepared);
  }
  return prepared;
}

type Values = Partial<Record<ReaderField, string>>;

function join(split: Split, values: Values): string {
  let out = split.parts[0]!;
  for (let i = 0; i < split.fields.length; i += 1) out += values[split.fields[i]!] + split.parts[i + 1]!;
  return out;
}

function link(url: string | undefined, what: string): string {
  const safe = safeUrl(url ?? '');
  if (safe === '#') throw new ReaderLinkError(`${what} is not an http(s) URL`);
  return safe;
}

const dateCache = new Map<string, { date: string; date_short: string }>();

/** The slot's date in the reader's zone (a handful of zones per slot: cached). */
function localDates(variant: EditionVariant, timezone: string | undefined): { date: string; date_short: string } {
  if (!variant.slot) throw new PlaceholderError(`${variant.editionId}/${variant.key}: a date field in a mail without a slot`);
  const zone = timezone ?? variant.timezone ?? 'UTC';
  const key = `${variant.slot}|${zone}`;
  let dates = dateCache.get(key);
  if (!dates) {
    const slot = new Date(variant.slot);
    try {
      dates = { date: longDate(slot, zone), date_short: shortDate(slot, zone) };
    } catch {
      const fallback = variant.timezone ?? 'UTC'; // a zone this runtime no longer knows
      dates = { date: longDate(slot, fallback), date_short: shortDate(slot, fallback) };
    }
    if (dateCache.size >= 1000) dateCache.delete(dateCache.keys().next().value!);
    dateCache.set(key, dates);
  }
  return dates;
}

/** "Hello Ana," — or "Hello," when there is no usable name. */
export function greetingFor(name: string): string {
  const clean = oneLine(name).slice(0, 60).trim();
  return clean ? `Hello ${clean},` : 'Hello,';
}

/** One field's plain value for this reader. */
function textValue(field: ReaderField, variant: EditionVariant, reader: Reader): string {
  switch (field) {
    case 'greeting':
      return greetingFor(reader.name);
    case 'unsubscribe_url':
      return link(reader.unsubscribeUrl, 'unsubscribeUrl');
    case 'preferences_url':
      return link(reader.preferencesUrl, 'preferencesUrl');
    case 'browser_url':
      return link(reader.browserUrl ?? variant.archiveUrl, 'browserUrl');
    case 'confirm_url':
      return link(reader.confirmUrl, 'confirmUrl');
    case 'date':
      return localDates(variant, reader.timezone).date;
    case 'date_short':
      return localDates(variant, reader.timezone).date_short;
    case 'choices':
      return reader.choices ?? '';
  }
}

/** The reader's values for the placeholders the mail has: HTML-escaped for the HTML part, plain for the text. */
export function readerValues(variant: EditionVariant, reader: Reader, fields: readonly ReaderField[] = READER_FIELDS): { html: Values; text: Values } {
  const html: Values = {};
  const text: Values = {};
  for (const field of fields) {
    const value = textValue(field, variant, reader);
    text[field] = value;
    // Links are ASCII already (safeUrl gives the URL's href); other text is kept one-byte (see render.ts).
    html[field] = field.endsWith('_url') ? escapeHtml(value) : asciiHtml(escapeHtml(value));
  }
  return { html, text };
}

/**
 * The same message as `personalise`, left in pieces: the variant's cached split (the
 * same objects for every reader, so a sender can encode them once) and this reader's values.
 */
export function personaliseParts(stored: EditionVariant, reader: Reader) {
  const variant = arrangeVariant(stored, reader.watchlist);
  const prepared = prepareVariant(variant);
  const values = readerValues(variant, reader, prepared.fields);
  return { subject: join(prepared.subject, values.text), html: prepared.html, text: prepared.text, values };
}

export function personalise(stored: EditionVariant, reader: Reader): PersonalisedMessage {
  const variant = arrangeVariant(stored, reader.watchlist);
  const prepared = prepareVariant(variant);
  const values = readerValues(variant, reader, prepared.fields);
  return { subject: join(prepared.subject, values.text), html: join(prepared.html, values.html), text: join(prepared.text, values.text) };
}
