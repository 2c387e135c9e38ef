// `digest sources try URL [--topic ID] [--allow-private] [--json]` (`--section` is the older
// name of `--topic`): what an operator runs before adding a feed. The URL goes through exactly
// the ingest path (fetch limits, decoding, HTML detection, parsing, cleaning, per-feed
// de-duplication) with no age window; nothing is stored and no Redis is needed. The keyword
// rule uses the default topics, plus the given one when it is another.
import { readFeed, type FeedInput } from '../stories/feed-source.js';
import type { Story } from '../stories/model.js';
import { DEFAULT_TOPICS, TopicIdSchema, TopicSchema, type Topic } from '../topics.js';
import { stdio, table, type Output } from './output.js';

const USAGE = 'digest sources try URL [--topic ID] [--allow-private] [--json]';
const SUMMARY_COLUMN = 100;

interface TryOptions {
  urls: string[];
  topic: string;
  allowPrivate: boolean;
  json: boolean;
}

function parseArgs(args: string[]): TryOptions | null {
  const opts: TryOptions = { urls: [], topic: 'markets', allowPrivate: false, json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') opts.json = true;
    else if (a === '--allow-private') opts.allowPrivate = true;
    else if (a === '--topic' || a === '--section') {
      const topic = TopicIdSchema.safeParse(args[++i]);
      if (!topic.success) return null;
      opts.topic = topic.data;
    } else if (a.startsWith('--')) return null;
    else opts.urls.push(a);
  }
  return opts.urls.length === 1 ? opts : null;
}

/** What `--json` prints per story: the time read from the feed, or null when it gives none that can be read. */
export function storyLine(s: Story): string {
  return JSON.stringify({ title: s.title, url: s.url, summary: s.summary, publishedAt: s.dateSource === 'first-seen' ? null : s.publishedAt });
}

function printTable(out: Output, stories: Story[]): void {
  const cut = (t: string) => (t.length > SUMMARY_COLUMN ? `${t.slice(0, SUMMARY_COLUMN - 1)}…` : t);
  out.line(
    table([
      ['published', 'title', 'url', 'summary'],
      ...stories.map((s) => [s.dateSource === 'first-seen' ? '(none)' : s.publishedAt, s.title, s.url, cut(s.summary)]),
    ]),
  );
  out.line(`${stories.length} ${stories.length === 1 ? 'story' : 'stories'}`);
}

/** One URL → its stories, as ingest would read them (`source` is a stand-in: nothing is stored under its id). */
export async function tryFeed(url: string, opts: Pick<TryOptions, 'topic' | 'allowPrivate'>, now: Date): Promise<Story[]> {
  const source: FeedInput = { id: 'try', name: new URL(url).hostname, url, topic: opts.topic, allowPrivate: opts.allowPrivate };
  const topics: readonly Topic[] = DEFAULT_TOPICS.some((t) => t.id === opts.topic)
    ? DEFAULT_TOPICS
    : [...DEFAULT_TOPICS, TopicSchema.parse({ id: opts.topic, label: opts.topic })];
  const outcome = await readFeed(source, {}, now, { topics });
  return outcome.status === 'ok' ? outcome.stories : [];
}

export async function sourcesTryCommand(args: string[], out: Output = stdio, now: Date = new Date()): Promise<number> {
  const opts = parseArgs(args);
  if (!opts) return out.usage(USAGE);
  const [url] = opts.urls as [string];
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    out.err(`digest sources try: ${url}: not an http(s) URL`);
    return 1;
  }
  let stories: Story[];
  try {
    stories = await tryFeed(url, opts, now);
  } catch (err) {
    out.err(`digest sources try: ${url}: ${(err as Error).message.split('\n')[0]}`);
    return 1;
  }
  if (opts.json) for (const s of stories) out.line(storyLine(s));
  else printTable(out, stories);
  return 0;
}
