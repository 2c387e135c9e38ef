// One feed source, end to end: conditional GET → decode → sniff → parse → stories.
// Every failure becomes a SourceFetchError so the run can record it and go on.
import type { Story } from './model.js';
import { decodeBody } from './decode.js';
import { fetchUrl, looksLikeHtml, SourceFetchError, type FetchOptions } from './fetch.js';
import type { FeedValidators } from './pool.js';
import type { FeedSource } from './sources-schema.js';
import { toStory } from './story.js';
import type { Topic } from '../topics.js';

export const DEFAULT_USER_AGENT = 'market-digest/0.1 (+https://github.com/; feed reader)';

export type FeedFetchOptions = Omit<FetchOptions, 'userAgent' | 'etag' | 'lastModified'> & { userAgent?: string };

/** The sources file's topics (for the keyword rule) and how to fetch. */
export type FeedReadOptions = FeedFetchOptions & { topics: readonly Topic[] };

export type FeedOutcome =
  | { status: 'not-modified' }
  | { status: 'ok'; stories: Story[]; validators: FeedValidators; format: string };

export async function readFeed(source: FeedSource, validators: FeedValidators, fetchedAt: Date, opts: FeedReadOptions): Promise<FeedOutcome> {
  const { topics, ...fetchOptions } = opts;
  const res = await fetchUrl(source.url, {
    ...fetchOptions,
    userAgent: source.userAgent ?? opts.userAgent ?? DEFAULT_USER_AGENT,
    allowPrivate: source.allowPrivate,
    ...validators,
  });
  if (res.notModified) return { status: 'not-modified' };
  const { text } = decodeBody(res.body, res.contentType);
  if (looksLikeHtml(text)) throw new SourceFetchError('html', `HTML page instead of a feed (HTTP ${res.status})`);
  if (!text.trim()) throw new SourceFetchError('parse', 'empty body');
  // The feed parser (and its XML stack) loads on the first ingest, not in every worker process.
  const { parseFeedText } = await import('./parse.js');
  const feed = parseFeedText(text, res.url, res.contentType);
  const stories: Story[] = [];
  const seen = new Set<string>();
  for (const raw of feed.items) {
    const story = toStory(raw, source, feed.baseUrl, fetchedAt, topics);
    if (story && !seen.has(story.id)) {
      seen.add(story.id);
      stories.push(story);
    }
  }
  if (feed.items.length > 0 && stories.length === 0) throw new SourceFetchError('parse', 'no usable items (no titles or links)');
  return {
    status: 'ok',
    stories,
    format: feed.format,
    validators: { ...(res.etag ? { etag: res.etag } : {}), ...(res.lastModified ? { lastModified: res.lastModified } : {}) },
  };
}
