// Issue 12's classes, one test each, on fixtures shaped like real publishers, end
// to end through readFeed (real HTTP → decode → parse → clean → per-feed dedupe).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOPICS } from '../../src/topics.js';
import { readFeed } from '../../src/stories/feed-source.js';
import type { FeedSource } from '../../src/stories/sources-schema.js';
import { file, startServer, type FixtureServer } from './server.js';

const NOW = new Date('2026-03-10T16:00:00Z');
const RSS = 'application/rss+xml';
let server: FixtureServer;

const FIXTURES: Record<string, [string, string]> = {
  '/newswire-markup': ['newswire-markup.xml', RSS],
  '/wordpress-teasers': ['wordpress-teasers.xml', `${RSS}; charset=utf-8`],
  '/podcast': ['podcast.xml', RSS],
  '/guid-only': ['guid-only.xml', RSS],
  '/liveblog': ['liveblog.xml', 'application/atom+xml'],
  '/mastodon': ['mastodon.xml', RSS],
  '/jsonfeed-plain': ['jsonfeed-plain.json', 'application/feed+json'],
  '/rdf': ['rdf.xml', 'application/rdf+xml'],
  '/cdata-doctype': ['cdata-doctype.xml', RSS],
  '/dates': ['dates.xml', RSS],
  '/atom03': ['atom03.xml', 'application/atom+xml'],
  '/atom-blog': ['atom-blog.xml', 'application/atom+xml'],
  '/userland': ['userland.xml', RSS],
  '/utf16le-nobom': ['utf16le-nobom.xml', 'text/xml'],
  '/utf16be-nobom': ['utf16be-nobom.xml', 'text/xml'],
  '/utf32le-bom': ['utf32le-bom.xml', 'text/xml'],
  '/utf32be-bom': ['utf32be-bom.xml', 'text/xml'],
  '/utf32le-nobom': ['utf32le-nobom.xml', 'text/xml'],
  '/utf32be-nobom': ['utf32be-nobom.xml', 'text/xml'],
  '/shift_jis': ['shift_jis.xml', 'text/xml'],
  '/koi8r': ['koi8r.xml', 'application/xml'],
};

beforeAll(async () => {
  server = await startServer(Object.fromEntries(Object.entries(FIXTURES).map(([path, [name, type]]) => [path, file(`feeds/${name}`, type)])));
});
afterAll(() => server.close());

async function stories(path: string, over: Partial<FeedSource> = {}) {
  const source: FeedSource = { id: path.slice(1), name: path, url: server.url(path), topic: 'markets', weight: 1, enabled: true, home: false, allowPrivate: true, ...over };
  const out = await readFeed(source, {}, NOW, { totalTimeoutMs: 3000, topics: DEFAULT_TOPICS });
  if (out.status !== 'ok') throw new Error('expected ok');
  return out.stories;
}

describe('text', () => {
  it('1. text in angle brackets is text: tickers, "<$5bn", plain-text JSON titles and Atom type="text"', async () => {
    const [apple] = await stories('/newswire-markup');
    expect(apple!.title).toBe('Apple <AAPL.O> shares jump after results');
    expect(apple!.summary).toBe('Revenue <$5bn and margin>10%, Apple <AAPL.O> said on Tuesday.');
    const [essay] = await stories('/jsonfeed-plain');
    expect(essay!.title).toBe('Die Rückkehr von <i> und <b>');
    expect(essay!.summary).toBe('Warum HTML-Tags wie <i> und <b> wieder in Mode sind. Ein Essay über Markup & Stil.');
    const [blink, quiet] = await stories('/atom-blog');
    expect(blink!.title).toBe('Why <blink> & <marquee> never die');
    expect(quiet!.title).toBe('Markets love a quiet Fed'); // type="html": real markup is markup
  });

  it('2. script and style bodies, comments and DOCTYPE lines never reach a title or summary', async () => {
    const [, wrap] = await stories('/newswire-markup');
    expect(wrap!.title).toBe('Markets wrap');
    expect(wrap!.summary).toBe('Stocks closed higher on Tuesday as oil fell.');
  });

  it('3. markup cut off mid-tag leaves no markup behind', async () => {
    const bonds = (await stories('/newswire-markup'))[2]!;
    expect(bonds.summary).toBe('Treasury yields rose on Tuesday.');
    expect(bonds.summary).not.toMatch(/[<>]|href/);
  });

  it('4. a heading without final punctuation ends its sentence instead of running into the next paragraph', async () => {
    const facebook = (await stories('/newswire-markup'))[3]!;
    expect(facebook.summary).toBe('Page was blocked from being promoted. Facebook will restore a banned advert after a review, the company said.');
  });

  it('5. teasers give way to the full content; a summary never ends mid-sentence or mid-word', async () => {
    const [kitchen, lake] = await stories('/wordpress-teasers');
    expect(kitchen!.summary).toBe('The kitchen opened on Monday with six induction stations. You can test the appliances before you buy them. Bookings open next week.');
    expect(lake!.summary).toBe(
      'The lake house is finished after two years of work and it has a great many features that buyers asked for over the years, including big windows and Radiant floor heating…',
    );
  });

  it('6. boilerplate tails and self-links are not content', async () => {
    const list = await stories('/wordpress-teasers');
    expect(list[2]!.summary).toBe('Average 30-year mortgage rates fell to 6.1% this week, the third weekly drop in a row.');
    expect(list[3]!.summary).toBe('Confidence among home builders rose for the first time in four months.');
    expect(list[4]!.summary).toBe(''); // only "Comments"
    const [blink] = await stories('/atom-blog');
    expect(blink!.summary).toBe('A short history. Browsers kept the old tags & nobody complained. The web <3 compatibility.');
    const [episode] = await stories('/podcast');
    expect(episode!.summary).toBe('Oil fell and the Fed held rates; we ask why the dollar barely moved.');
  });
});

describe('items', () => {
  it('7. an item whose only URL is a permalink guid is kept; one with no URL at all is not', async () => {
    const list = await stories('/guid-only');
    expect(list.map((s) => s.url)).toEqual(['https://guids.example.org/2026/03/10/rates-on-hold', 'https://guids.example.org/2026/03/10/retail-sales']);
    // RSS 2.0 in a default namespace, its link written as an attribute.
    const [outliners] = await stories('/userland');
    expect(outliners).toMatchObject({ title: 'Outliners are back', url: 'http://scripting.example.com/2009/01/12/outliners' });
  });

  it('8. entries are their guid/id: podcast episodes sharing a link and live-blog posts stay apart', async () => {
    const episodes = await stories('/podcast');
    expect(episodes).toHaveLength(3);
    expect(new Set(episodes.map((e) => e.url))).toEqual(new Set(['https://podcast.example.com/']));
    expect(new Set(episodes.map((e) => e.id)).size).toBe(3);
    const live = await stories('/liveblog');
    expect(live.map((s) => s.url)).toEqual(['https://live.example.com/markets/live#post-2', 'https://live.example.com/markets/live#post-1']);
  });

  it('9. untitled posts get a headline from their text', async () => {
    const [short, long] = await stories('/mastodon');
    expect(short!.title).toBe('Inflation came in at 2.8% in February, below every forecast I saw');
    expect(short!.summary).toBe('Markets are now pricing two cuts this year.');
    expect(long!.title).toBe('Long thread on why the yield curve keeps confusing everyone who tries to use it as a recession…');
    expect(long!.title.length).toBeLessThanOrEqual(100);
    const [, note] = await stories('/jsonfeed-plain');
    expect(note).toMatchObject({ title: 'Interesting report on EU bond spreads', url: 'https://other.example.com/report.pdf', summary: 'Worth a read.' });
  });

  it('10. titles and descriptions come from the item\'s own elements, not media:title or an Atom source', async () => {
    const [episode, , without] = await stories('/podcast');
    expect(episode!.title).toBe('Episode 131: Oil, the Fed and a quiet dollar');
    expect(episode!.imageUrl).toBe('https://podcast.example.com/art/131.jpg');
    // Extensions stand in only where the item has nothing of its own.
    expect(without!.summary).toBe('Payrolls beat forecasts; we look at wages and rates.');
    const [, quiet] = await stories('/atom-blog');
    expect(quiet!.title).toBe('Markets love a quiet Fed');
  });

  it('11. a DOCTYPE quoted in CDATA is text, not a reason to refuse the feed', async () => {
    const [laughs, xxe] = await stories('/cdata-doctype');
    expect(laughs!.title).toBe('How the billion laughs attack works');
    // Escaped in the HTML, the DOCTYPE is text a reader sees (class 1); as raw HTML it is markup (class 2).
    expect(laughs!.summary).toBe('An attacker declares nested entities in the document type. <!DOCTYPE lolz [ <!ENTITY lol "lol"> ]>');
    expect(xxe!.title).toBe('XXE in one example');
    expect(xxe!.summary).not.toMatch(/root:|ENTITY/);
  });
});

describe('dates', () => {
  it('12. every real-world form is read; an unreadable, missing or future date is marked first-seen, never read as fresh', async () => {
    const list = await stories('/dates');
    const byTitle = Object.fromEntries(list.map((s) => [s.title, s]));
    const want: Record<string, string> = {
      'Slashes and no zone': '2020-01-10T14:33:00.000Z',
      'Month first with PM': '2023-12-16T14:02:33.000Z',
      'One-digit hour': '2009-01-12T10:40:14.000Z',
      'Only a time': '2026-03-09T20:45:00.000Z', // 4:45 PM EDT on 10 March is still to come at 16:00 UTC: the day before
      'Zone comment': '2026-03-10T08:30:00.000Z',
      Portuguese: '2018-09-24T22:42:40.000Z',
      Spanish: '2019-12-04T09:00:00.000Z',
      French: '2026-03-10T07:30:00.000Z',
      German: '2026-03-10T07:30:00.000Z',
      Italian: '2026-02-05T17:00:00.000Z',
      'Dublin Core': '2026-03-09T22:15:00.000Z',
    };
    for (const [title, iso] of Object.entries(want)) {
      expect([title, byTitle[title]?.publishedAt, byTitle[title]?.dateSource]).toEqual([title, iso, undefined]);
    }
    for (const title of ['No date at all', 'Unreadable date', 'In the future']) expect(byTitle[title]!.dateSource).toBe('first-seen');
    const [rdf1, rdf2] = await stories('/rdf');
    expect([rdf1!.publishedAt, rdf2!.publishedAt]).toEqual(['2026-03-10T15:45:00.000Z', '2026-03-10T14:30:00.000Z']);
    const [issued, created] = await stories('/atom03');
    expect([issued!.publishedAt, created!.publishedAt]).toEqual(['2009-01-12T10:40:14.000Z', '2009-01-11T09:00:00.000Z']);
    expect(issued!.title).toBe('Stocks & bonds in 2009');
  });
});

describe('encodings', () => {
  it.each(['utf16le-nobom', 'utf16be-nobom', 'utf32le-bom', 'utf32be-bom', 'utf32le-nobom', 'utf32be-nobom'])('13. %s', async (name) => {
    const [story] = await stories(`/${name}`);
    expect(story!.title).toBe('Yen – ¥ and € move: 日本株が上昇');
    expect(story!.summary).toBe('Stocks in Tokyo rose 1.2% — the best day since January 😀.');
  });

  it('13. legacy charsets named in the XML declaration (Shift_JIS, KOI8-R, ISO-8859-1)', async () => {
    expect((await stories('/shift_jis'))[0]!.title).toBe('日本株が上昇');
    expect((await stories('/koi8r'))[0]!.title).toBe('Рубль укрепился к доллару');
    expect((await stories('/rdf'))[0]!.title).toBe('DAX schließt fester');
  });
});
