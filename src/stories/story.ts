// Raw feed item → Story: the per-item half of cleaning.
import { hash } from 'node:crypto';
import type { CpuBudget } from './budget.js';
import { publishedAt } from './dates.js';
import type { RawItem } from './feed-model.js';
import type { Story } from './model.js';
import type { Topic } from '../topics.js';
import { topicFor } from './section.js';
import type { FeedSource } from './sources-schema.js';
import { headline, summarise, SUMMARY_MAX } from './summary.js';
import { cleanField, fieldLine, type CleanText } from './text.js';
import { canonicalUrl, urlKey } from './url.js';

export { SUMMARY_MAX };

/** A summary shorter than this from the description means "use the full content instead". */
const MIN_DESCRIPTION = 40;

/** A story's id: its source and its identity within the feed (guid/id, else its link). */
export function storyId(sourceId: string, identity: string): string {
  return hash('sha1', `${sourceId}\n${identity}`).slice(0, 16);
}

/** One cleaned item, with what the per-feed pass needs. */
export interface CleanedItem {
  story: Story;
  /** The link's fragment ("#post-2"), kept on the URL only when it tells entries of one page apart. */
  fragment: string;
}

function firstLink(raw: RawItem, base: string): { url: string; fragment: string } | null {
  for (const link of raw.links) {
    const url = canonicalUrl(link, base);
    if (!url) continue;
    // canonicalUrl parsed the link, so this parse succeeds; only links with a "#" pay for it.
    const fragment = link.includes('#') ? new URL(link.trim(), base).hash : '';
    return { url, fragment: fragment.length > 1 ? fragment : '' };
  }
  return null;
}

const joined = (t: CleanText) => t.paragraphs.map((p) => p.text).join(' ');

/** The description is a teaser: marked ("[…]"), or the opening words of the full content. */
function isTeaser(description: CleanText, content: CleanText): boolean {
  if (!content.paragraphs.length) return false;
  if (description.truncated) return true;
  const d = joined(description);
  const c = joined(content);
  return d.length > 0 && c.length > d.length && c.startsWith(d.replace(/[.…]+$/, ''));
}

/** null when the item has neither a usable link nor any text to name it by. */
export function toStory(
  raw: RawItem,
  source: Pick<FeedSource, 'id' | 'name' | 'topic'>,
  feedBase: string,
  fetchedAt: Date,
  /** The sources file's topics, whose keywords may move a story out of its source's topic. */
  topics: readonly Topic[],
  budget?: CpuBudget,
): CleanedItem | null {
  const base = raw.base ?? feedBase;
  const link = firstLink(raw, base);
  if (!link) return null;
  const { url } = link;
  let key: string | undefined;
  const keyOf = () => (key ??= urlKey(url));
  const opts = { ...(budget ? { budget } : {}), isSelfLink: (href: string) => urlKey(canonicalUrl(href, base) ?? 'x:') === keyOf() };
  const description = cleanField(raw.description, opts);
  const content = cleanField(raw.content, opts);
  const fromDescription = summarise(description.paragraphs, { truncated: description.truncated });
  const useContent = content.paragraphs.length > 0 && (fromDescription.length < MIN_DESCRIPTION || isTeaser(description, content));
  const body = useContent ? content : description;
  let summary = (useContent ? summarise(content.paragraphs, { truncated: content.truncated }) : fromDescription) || fromDescription;

  let title = fieldLine(raw.title, budget);
  if (!title) {
    // Untitled posts (Mastodon, micro-blogs): the first sentence names them.
    const text = body.paragraphs.length ? body : content.paragraphs.length ? content : description;
    title = headline(text.paragraphs, { truncated: text.truncated });
    if (summary.startsWith(title)) summary = summary.slice(title.length).replace(/^[.!?:;]?\s*/, '');
  }
  if (!title) return null;
  if (summary.toLowerCase() === title.toLowerCase()) summary = '';

  const image = [raw.imageUrl, content.image, description.image].map((c) => canonicalUrl(c, base)).find((c) => c);
  const date = publishedAt(raw.dates, fetchedAt);
  const story: Story = {
    id: storyId(source.id, raw.id ? `id\n${raw.id.trim()}` : `${keyOf()}${link.fragment}`),
    sourceId: source.id,
    sourceName: source.name,
    title,
    url,
    summary,
    ...(image ? { imageUrl: image } : {}),
    // Without a readable date, the fetch time stands in until the pool supplies the first-seen time.
    publishedAt: (date ?? fetchedAt).toISOString(),
    ...(date ? {} : { dateSource: 'first-seen' as const }),
    fetchedAt: fetchedAt.toISOString(),
    section: topicFor(source.topic, title, summary, topics),
  };
  return { story, fragment: link.fragment };
}

/**
 * Per-feed pass: one story per identity (first wins), and entries that share a page
 * ("…/live#post-1", "#post-2") keep the fragment that tells them apart.
 */
export function dedupeFeed(items: CleanedItem[]): Story[] {
  const byId = new Map<string, CleanedItem>();
  for (const c of items) if (!byId.has(c.story.id)) byId.set(c.story.id, c);
  const unique = [...byId.values()];
  const perUrl = new Map<string, number>();
  for (const c of unique) perUrl.set(c.story.url, (perUrl.get(c.story.url) ?? 0) + 1);
  return unique.map((c) => (c.fragment && perUrl.get(c.story.url)! > 1 ? { ...c.story, url: `${c.story.url}${c.fragment}` } : c.story));
}
