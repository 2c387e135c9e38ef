// JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1) → raw items. `title`,
// `summary` and `content_text` are plain text; only `content_html` is HTML.
import type { CpuBudget } from './budget.js';
import { SourceFetchError } from './fetch.js';
import type { ParsedFeed, RawItem } from './feed-model.js';
import type { Field } from './text.js';
import { absoluteOr } from './url.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
const text = (v: unknown): Field | null => (str(v) ? { value: v as string, type: 'text' } : null);

export async function parseJsonFeed(body: string, fetchedUrl: string, budget: CpuBudget): Promise<ParsedFeed> {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    throw new SourceFetchError('parse', `bad JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { items?: unknown }).items)) {
    throw new SourceFetchError('parse', 'not a JSON Feed (no items array)');
  }
  const feed = doc as Record<string, unknown> & { items: unknown[] };
  const items: RawItem[] = [];
  for (const entry of feed.items) {
    await budget.breathe();
    if (typeof entry !== 'object' || entry === null) continue;
    const it = entry as Record<string, unknown>;
    const id = typeof it.id === 'number' ? String(it.id) : str(it.id);
    const contentHtml = str(it.content_html);
    items.push({
      id,
      title: text(it.title),
      links: [str(it.url), str(it.external_url)].filter((l): l is string => !!l),
      description: text(it.summary),
      content: contentHtml ? { value: contentHtml, type: 'html' } : text(it.content_text),
      dates: [str(it.date_published), str(it.date_modified)].filter((d): d is string => !!d),
      imageUrl: str(it.image) ?? str(it.banner_image),
    });
  }
  return { format: 'json', baseUrl: absoluteOr(str(feed.home_page_url) ?? str(feed.feed_url), fetchedUrl), items };
}
