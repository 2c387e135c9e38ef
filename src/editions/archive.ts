// What the web archive shows, independent of HTTP: which editions are public, the
// archive copy of a variant (generic links instead of a reader's), and the Atom feed.
import { escapeHtml } from '../html.js';
import { personalise } from './personalise.js';
import type { Edition, EditionVariant } from './model.js';
import { truncate } from './format.js';

/** Editions readers may have received: built and not withdrawn. */
export function isPublished(edition: Edition): boolean {
  return edition.status === 'ready' || edition.status === 'sending' || edition.status === 'done';
}

/** Variants to try for the archive page, the requested one first, then the ones with most topics. */
export function archiveVariantOrder(edition: Edition, requested?: string): string[] {
  const topicCount = (key: string) => key.split('+').length;
  const preferred = [...edition.variants].sort((a, b) => topicCount(b) - topicCount(a) || a.localeCompare(b));
  const order = requested ? [requested, ...preferred] : preferred;
  return [...new Set(order)].filter((k) => edition.variants.includes(k));
}

/**
 * The archive copy: per-reader placeholders become harmless generic links (the
 * archive explains where a reader's own links are) and a neutral greeting.
 */
export function archiveHtml(variant: EditionVariant, publicUrl: string): string {
  const base = publicUrl;
  return personalise(variant, {
    name: '',
    unsubscribeUrl: `${base}/archive#your-links`,
    preferencesUrl: `${base}/archive#your-links`,
    browserUrl: variant.archiveUrl,
  }).html;
}

export function headlines(edition: Edition, count = 3): string[] {
  return edition.clusters.slice(0, count).map((c) => truncate(c.lead.title, 140));
}

export function publishedAt(edition: Edition): string {
  return edition.statusAt.ready ?? edition.updatedAt;
}

const xml = (value: string) => escapeHtml(value.replace(/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, ''));

export function editionLabel(edition: Edition): string {
  const slot = new Date(edition.slot);
  const day = slot.toISOString().slice(0, 10);
  const time = slot.toISOString().slice(11, 16);
  const kind = edition.mode === 'now' ? ' (sent on demand)' : edition.mode === 'weekly' ? ' (weekly)' : '';
  return `${day} ${time} UTC${kind}`;
}

/** Atom 1.0 (RFC 4287) feed of published editions, newest first. */
export function atomFeed(editions: Edition[], options: { publicUrl: string; title: string }): string {
  const base = options.publicUrl;
  const updated = editions.length ? publishedAt(editions[0]!) : new Date(0).toISOString();
  const entries = editions.map((e) => {
    const url = `${base}/archive/${encodeURIComponent(e.id)}`;
    const summary = headlines(e).join(' · ') || 'No stories in this edition.';
    return `  <entry>
    <id>${xml(url)}</id>
    <title>${xml(`${options.title} — ${editionLabel(e)}`)}</title>
    <link rel="alternate" type="text/html" href="${xml(url)}"/>
    <updated>${xml(publishedAt(e))}</updated>
    <summary>${xml(summary)}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>${xml(`${options.title} archive`)}</title>
  <id>${xml(`${base}/archive`)}</id>
  <link rel="self" type="application/atom+xml" href="${xml(`${base}/archive/feed.xml`)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${base}/archive`)}"/>
  <updated>${xml(updated)}</updated>
  <author><name>${xml(options.title)}</name></author>
${entries.join('\n')}
</feed>
`;
}
