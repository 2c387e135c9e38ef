// One feed source, end to end: conditional GET → decode → sniff → parse → clean →
// per-feed de-duplication. Every failure becomes an error the run records; the
// ingest run and `digest sources try` both come through here.
import { CpuBudget } from './budget.js';
import { decodeBody } from './decode.js';
import { fetchUrl, looksLikeHtml, SourceFetchError, type FetchOptions } from './fetch.js';
import { parseFeedText } from './parse.js';
import type { Story } from './model.js';
import type { FeedValidators } from './pool.js';
import type { FeedSource } from './sources-schema.js';
import { dedupeFeed, toStory, type CleanedItem } from './story.js';
import type { Topic } from '../topics.js';

export const DEFAULT_USER_AGENT = 'market-digest/0.1 (+https://github.com/; feed reader)';

export type FeedFetchOptions = Omit<FetchOptions, 'userAgent' | 'etag' | 'lastModified' | 'allowPrivate'> & {
  userAgent?: string;
  /** CPU a source's parse and clean may use before it is abandoned (and marked unhealthy). Default 10 s. */
  cpuBudgetMs?: number;
};

/** How to fetch, and the sources file's topics (for the keyword rule). */
export type FeedReadOptions = FeedFetchOptions & { topics: readonly Topic[] };

export type FeedOutcome =
  | { status: 'not-modified' }
  | { status: 'ok'; stories: Story[]; validators: FeedValidators; format: string };

/** The source fields reading a feed needs. */
export type FeedInput = Pick<FeedSource, 'id' | 'name' | 'url' | 'topic' | 'userAgent' | 'allowPrivate'>;

export async function readFeed(source: FeedInput, validators: FeedValidators, fetchedAt: Date, opts: FeedReadOptions): Promise<FeedOutcome> {
  const { cpuBudgetMs, topics, ...fetchOpts } = opts;
  const res = await fetchUrl(source.url, {
    ...fetchOpts,
    userAgent: source.userAgent ?? opts.userAgent ?? DEFAULT_USER_AGENT,
    allowPrivate: source.allowPrivate,
    ...validators,
  });
  if (res.notModified) return { status: 'not-modified' };
  const { stories, format } = await readBody(res.body, res.contentType, res.url, source, fetchedAt, topics, cpuBudgetMs);
  return {
    status: 'ok',
    stories,
    format,
    validators: { ...(res.etag ? { etag: res.etag } : {}), ...(res.lastModified ? { lastModified: res.lastModified } : {}) },
  };
}

/** Everything after the fetch: decode → HTML detection → parse → clean → per-feed de-duplication. */
export async function readBody(
  body: Uint8Array,
  contentType: string | undefined,
  url: string,
  source: Pick<FeedSource, 'id' | 'name' | 'topic'>,
  fetchedAt: Date,
  topics: readonly Topic[],
  cpuBudgetMs?: number,
): Promise<{ stories: Story[]; format: string }> {
  const { text } = decodeBody(body, contentType);
  if (looksLikeHtml(text)) throw new SourceFetchError('html', 'HTML page instead of a feed');
  if (!text.trim()) throw new SourceFetchError('parse', 'empty body');
  const budget = new CpuBudget(cpuBudgetMs);
  const feed = await parseFeedText(text, url, contentType, budget);
  const cleaned: CleanedItem[] = [];
  for (const raw of feed.items) {
    const item = toStory(raw, source, feed.baseUrl, fetchedAt, topics, budget);
    if (item) cleaned.push(item);
    if (budget.due()) await budget.yield();
  }
  const stories = dedupeFeed(cleaned);
  if (feed.items.length > 0 && stories.length === 0) throw new SourceFetchError('parse', 'no usable items (no links)');
  return { stories, format: feed.format };
}
