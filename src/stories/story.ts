// Raw feed item → Story: the per-item half of cleaning.
import { createHash } from 'node:crypto';
import type { Story } from './model.js';
import type { RawItem } from './parse.js';
import type { FeedSource } from './sources-schema.js';
import { publishedAt } from './dates.js';
import type { Topic } from '../topics.js';
import { topicFor } from './section.js';
import { paragraphs, plainText, summarise } from './text.js';
import { canonicalUrl, urlKey } from './url.js';

export const SUMMARY_MAX = 300;

/** A summary shorter than this from the description means "use the full content instead". */
const MIN_DESCRIPTION = 40;

export function storyId(sourceId: string, canonical: string): string {
  return createHash('sha1').update(`${sourceId}\n${urlKey(canonical)}`).digest('hex').slice(0, 16);
}

function imageOf(raw: RawItem, base: string): string | undefined {
  const fromHtml = /<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/i.exec(raw.content ?? raw.description ?? '')?.[1];
  for (const candidate of [raw.imageUrl, fromHtml]) {
    const url = canonicalUrl(candidate ?? null, base);
    if (url) return url;
  }
  return undefined;
}

/** null when the item has no usable title or link. */
/** `topics`: the sources file's topics, whose keywords may move a story out of its source's topic. */
export function toStory(
  raw: RawItem,
  source: Pick<FeedSource, 'id' | 'name' | 'topic'>,
  baseUrl: string,
  fetchedAt: Date,
  topics: readonly Topic[],
): Story | null {
  const title = plainText(raw.title);
  const url = canonicalUrl(raw.link, baseUrl);
  if (!title || !url) return null;
  const fromDescription = summarise(paragraphs(raw.description), SUMMARY_MAX);
  // WordPress descriptions are teasers cut mid-sentence ("…"); the full content reads better.
  const teaser = /(…|\.\.\.)$/.test(fromDescription) && !!raw.content;
  let summary = fromDescription.length >= MIN_DESCRIPTION && !teaser ? fromDescription : summarise(paragraphs(raw.content), SUMMARY_MAX);
  if (!summary) summary = fromDescription;
  if (summary.toLowerCase() === title.toLowerCase()) summary = '';
  const image = imageOf(raw, baseUrl);
  return {
    id: storyId(source.id, url),
    sourceId: source.id,
    sourceName: source.name,
    title,
    url,
    summary,
    ...(image ? { imageUrl: image } : {}),
    publishedAt: publishedAt(raw.dateText, fetchedAt).toISOString(),
    fetchedAt: fetchedAt.toISOString(),
    section: topicFor(source.topic, title, summary, topics),
  };
}
