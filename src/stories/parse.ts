// Text of a feed → raw items, by format: JSON Feed, or XML (RSS, RDF, Atom).
// Linear in the size of the document, whatever the number of items.
import type { CpuBudget } from './budget.js';
import type { ParsedFeed } from './feed-model.js';
import { parseJsonFeed } from './feed-json.js';
import { parseXmlFeed } from './feed-xml.js';

export type { ParsedFeed, RawItem } from './feed-model.js';

export function parseFeedText(text: string, fetchedUrl: string, contentType: string | undefined, budget: CpuBudget): Promise<ParsedFeed> {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{') || (/json/i.test(contentType ?? '') && !trimmed.startsWith('<'))) return parseJsonFeed(trimmed, fetchedUrl, budget);
  return parseXmlFeed(trimmed, fetchedUrl, budget);
}
