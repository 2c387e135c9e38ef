// `digest sources try URL [URL…] [--topic ID] [--allow-private] [--now ISO] [--json]` (`--section`
// is the older name of `--topic`): what an operator runs before adding a feed. Each URL goes
// through exactly the ingest path (fetch limits, decoding, HTML detection, parsing, cleaning,
// per-feed de-duplication) with no age window; nothing is stored and no Redis is needed. The
// keyword rule uses the default topics, plus the given one when it is another. Several URLs
// are clustered as ingest clusters them, with the clock at --now, so an operator can see which
// stories would become one entry.
import { clusterStories } from '../stories/cluster.js';
import { readFeed, type FeedInput } from '../stories/feed-source.js';
import type { Story } from '../stories/model.js';
import { DEFAULT_TOPICS, TopicIdSchema, TopicSchema, type Topic } from '../topics.js';
import { stdio, table, type Output } from './output.js';

const USAGE = 'digest sources try URL [URL…] [--topic ID] [--allow-private] [--now ISO] [--json]';
const SUMMARY_COLUMN = 100;

interface TryOptions {
  urls: string[];
  topic: string;
  allowPrivate: boolean;
  json: boolean;
  now?: Date;
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
    } else if (a === '--now') {
      const when = args[++i] ?? '';
      if (!/^\d{4}-\d\d-\d\dT/.test(when) || Number.isNaN(Date.parse(when))) return null;
      opts.now = new Date(when);
    } else if (a.startsWith('--')) return null;
    else opts.urls.push(a);
  }
  return opts.urls.length > 0 ? opts : null;
}

const published = (s: Story) => (s.dateSource === 'first-seen' ? null : s.publishedAt);

/** What `--json` prints per story: the time read from the feed, or null when it gives none that can be read. */
export function storyLine(s: Story, cluster?: { feed: string; cluster: string }): string {
  return JSON.stringify({ title: s.title, url: s.url, summary: s.summary, publishedAt: published(s), ...cluster });
}

function printTable(out: Output, stories: Story[]): void {
  const cut = (t: string) => (t.length > SUMMARY_COLUMN ? `${t.slice(0, SUMMARY_COLUMN - 1)}…` : t);
  out.line(
    table([
      ['published', 'title', 'url', 'summary'],
      ...stories.map((s) => [published(s) ?? '(none)', s.title, s.url, cut(s.summary)]),
    ]),
  );
  out.line(`${stories.length} ${stories.length === 1 ? 'story' : 'stories'}`);
}

/** One URL → its stories, as ingest would read them (`sourceId` keeps feeds apart; nothing is stored under it). */
export async function tryFeed(url: string, opts: Pick<TryOptions, 'topic' | 'allowPrivate'>, now: Date, sourceId = 'try'): Promise<Story[]> {
  const source: FeedInput = { id: sourceId, name: new URL(url).hostname, url, topic: opts.topic, allowPrivate: opts.allowPrivate };
  const topics: readonly Topic[] = DEFAULT_TOPICS.some((t) => t.id === opts.topic)
    ? DEFAULT_TOPICS
    : [...DEFAULT_TOPICS, TopicSchema.parse({ id: opts.topic, label: opts.topic })];
  const outcome = await readFeed(source, {}, now, { topics });
  return outcome.status === 'ok' ? outcome.stories : [];
}

interface Fed {
  url: string;
  stories: Story[];
}

/** Stories of several feeds clustered as ingest does; story id → cluster id. */
function clusterFeeds(feeds: Fed[]): Map<string, string> {
  const { groups } = clusterStories([], feeds.flatMap((f) => f.stories));
  return new Map(groups.flatMap((g) => g.members.map((m) => [m.id, g.id] as const)));
}

function printClusters(out: Output, feeds: Fed[], clusterOf: Map<string, string>): void {
  const feedOf = new Map(feeds.flatMap((f) => f.stories.map((s) => [s.id, f.url] as const)));
  const members = new Map<string, Story[]>();
  for (const s of feeds.flatMap((f) => f.stories)) {
    const id = clusterOf.get(s.id)!;
    members.set(id, [...(members.get(id) ?? []), s]);
  }
  const clusters = [...members].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  for (const [id, stories] of clusters) {
    const sources = new Set(stories.map((s) => s.sourceId)).size;
    out.line(`cluster ${id}: ${stories.length} ${stories.length === 1 ? 'story' : 'stories'} from ${sources} ${sources === 1 ? 'feed' : 'feeds'}`);
    out.line(table(stories.map((s) => ['  ', published(s) ?? '(none)', feedOf.get(s.id)!, s.title])));
  }
  const total = feeds.reduce((n, f) => n + f.stories.length, 0);
  out.line(`${total} stories from ${feeds.length} feeds in ${clusters.length} clusters`);
}

export async function sourcesTryCommand(args: string[], out: Output = stdio, clock: Date = new Date()): Promise<number> {
  const opts = parseArgs(args);
  if (!opts) return out.usage(USAGE);
  const now = opts.now ?? clock;
  const feeds: Fed[] = [];
  let failed = false;
  for (const [i, url] of opts.urls.entries()) {
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
      out.err(`digest sources try: ${url}: not an http(s) URL`);
      failed = true;
      continue;
    }
    try {
      feeds.push({ url, stories: await tryFeed(url, opts, now, opts.urls.length > 1 ? `feed-${i + 1}` : 'try') });
    } catch (err) {
      out.err(`digest sources try: ${url}: ${(err as Error).message.split('\n')[0]}`);
      failed = true;
    }
  }
  if (opts.urls.length === 1) {
    if (feeds[0] && opts.json) for (const s of feeds[0].stories) out.line(storyLine(s));
    else if (feeds[0]) printTable(out, feeds[0].stories);
  } else {
    const clusterOf = clusterFeeds(feeds);
    if (opts.json) for (const f of feeds) for (const s of f.stories) out.line(storyLine(s, { feed: f.url, cluster: clusterOf.get(s.id)! }));
    else printClusters(out, feeds, clusterOf);
  }
  return failed ? 1 : 0;
}
