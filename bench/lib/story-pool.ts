// A realistic story pool for the edition benchmark, saved the way ingest saves it:
// N stories from 40 outlets about fewer events (a third of the events are covered by
// 2–5 outlets with their own headline wording), sections decided by the real
// `topicFor` rule with the default topics, one group per event (as the clusterer would group them; clustering
// itself is the ingest bench's subject), written through the real pool with the
// sources' weights, then read back through the pool so a layout drift fails the run.
import type { Redis } from 'ioredis';
import type { Keyspace } from '../../src/keys.js';
import type { StoryGroup } from '../../src/stories/cluster.js';
import type { MarketSnapshot, Story } from '../../src/stories/model.js';
import { createStoryPool } from '../../src/stories/pool.js';
import { topicFor } from '../../src/stories/section.js';
import { DEFAULT_TOPICS } from '../../src/topics.js';
import { storyId } from '../../src/stories/story.js';
import type { Section } from '../../src/stories/sources-schema.js';
import { check } from './report.js';

const HOUR = 3_600_000;

/** Deterministic, so two runs measure the same pool. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}
type Rand = ReturnType<typeof rng>;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const OUTLETS = [
  'Harbour Street Journal', 'Ledger Financial', 'The Morning Tape', 'Capital Wire', 'Bourse Daily', 'Yield & Spread',
  'Commodity Desk', 'Tickerline', 'The Dealbook Review', 'Frankfurt Börsenbrief', 'Asia Markets Today', 'Sterling Times',
  'Emerging Markets Monitor', 'The Closing Bell', 'Index Weekly', 'Fund Flows', 'Macro Notes', 'Treasury Watch',
  'Crude Report', 'Coin Ledger',
  'World Desk', 'The Global Dispatch', 'Continental Herald', 'Pacific Courier', 'The Atlas Post', 'Meridian News',
  'Frontline Daily', 'The Diplomat’s Notebook', 'Africa Wire', 'Latin America Report', 'Nordic Observer',
  'Gulf Chronicle', 'Southern Cross Times', 'Berliner Rundschau', 'Le Quotidien du Monde', 'The Balkan Review',
  'Himalaya Times', 'Island Gazette', 'Caribbean Record', 'The Steppe Post',
] as const;

export interface PoolSource {
  id: string;
  name: string;
  section: Section;
  weight: number;
}

export const POOL_SOURCES: PoolSource[] = OUTLETS.map((name, i) => ({
  id: name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''),
  name,
  section: i < 20 ? 'markets' : 'world',
  weight: [1, 1.5, 0.8, 2, 1.2][i % 5]!,
}));

const COMPANIES = [
  'Nordwind Energy', 'Halcyon Bank', 'Orbis Semiconductors', 'Vale Verde Mining', 'Kestrel Airlines', 'Marlowe Pharma',
  'Tessaract Software', 'Baltic Shipping', 'Sunrise Retail', 'Ironclad Steel', 'Aurora Motors', 'Pinnacle Insurance',
  'Quanta Telecom', 'Helix Biotech', 'Granite Homes', 'Cobalt Batteries', 'Lumen Media', 'Zephyr Wind', 'Saffron Foods',
  'Atlas Logistics', 'Meridian Hotels', 'Crescent Chemicals', 'Evergreen Paper', 'Solstice Solar', 'Harrier Defence',
  'Nimbus Cloud', 'Osprey Brewing', 'Kōbe Precision', 'Société Lumière', 'Zürich Re-Assur',
];
const BANKS = ['the Federal Reserve', 'the ECB', 'the Bank of England', 'the Bank of Japan', 'the Swiss National Bank', 'the RBA', 'Brazil’s central bank', 'the Riksbank'];
const COMMODITIES = ['Brent crude', 'Gold', 'Copper', 'Natural gas', 'Wheat', 'Iron ore', 'Silver', 'Lithium', 'Coffee', 'Cocoa'];
const CURRENCIES = ['The dollar', 'The euro', 'Sterling', 'The yen', 'The Swiss franc', 'The yuan', 'The rupee', 'The real'];
const INDICES = ['The S&P 500', 'The Nasdaq', 'The FTSE 100', 'The DAX', 'The Nikkei 225', 'The Hang Seng', 'The CAC 40', 'The Sensex'];
const SECTORS = ['bank', 'tech', 'energy', 'healthcare', 'retail', 'mining', 'airline', 'utility', 'chipmaker', 'property'];
const COUNTRIES = [
  'France', 'Germany', 'Brazil', 'India', 'Japan', 'Kenya', 'Mexico', 'Poland', 'Indonesia', 'Turkey', 'Nigeria', 'Chile',
  'Canada', 'Australia', 'Egypt', 'Vietnam', 'Argentina', 'South Africa', 'Norway', 'Peru', 'Côte d’Ivoire', 'Thailand',
];
const CITIES = ['Geneva', 'Nairobi', 'São Paulo', 'Jakarta', 'Warsaw', 'Lagos', 'Santiago', 'Hanoi', 'Oslo', 'Lima', 'Montréal', 'Seoul', 'Kraków', 'Reykjavík'];
const LEADERS = ['the prime minister', 'the president', 'the foreign minister', 'the defence minister', 'the opposition leader', 'the finance minister'];
const ISSUES = ['trade', 'climate finance', 'migration', 'water rights', 'energy security', 'fishing quotas', 'border security', 'debt relief', 'food prices', 'vaccine supply'];
const DISASTERS = ['Floods', 'An earthquake', 'A wildfire', 'A cyclone', 'A landslide', 'A heatwave', 'Drought'];
const QUARTERS = ['third-quarter', 'fourth-quarter', 'half-year', 'annual'];

interface Event {
  section: Section;
  /** Different outlets' headlines for the same event (the first is the wire's). */
  titles: string[];
  facts: string;
}

function marketsEvent(r: Rand, n: number): Event {
  const co = pick(r, COMPANIES);
  const co2 = pick(r, COMPANIES.filter((c) => c !== co));
  const pct = (1 + r() * 14).toFixed(1);
  const up = r() < 0.5;
  const q = pick(r, QUARTERS);
  const bank = pick(r, BANKS);
  const rate = (1 + r() * 4).toFixed(2);
  const bn = Math.round(2 + r() * 60);
  const kinds: (() => Event)[] = [
    () => ({
      section: 'markets',
      titles: [
        `${co} shares ${up ? 'jump' : 'slide'} ${pct}% as ${q} profit ${up ? 'beats' : 'misses'} forecasts`,
        `${co} ${q} profit ${up ? 'beats' : 'misses'} estimates; stock ${up ? 'rises' : 'falls'} ${pct}%`,
        `${co} stock ${up ? 'surges' : 'tumbles'} after ${q} earnings ${up ? 'beat' : 'miss'}`,
      ],
      facts: `${co} reported ${q} earnings ${up ? 'above' : 'below'} analysts’ expectations, and its shares ${up ? 'rose' : 'fell'} ${pct}% in early trading as investors weighed guidance for ${2027 + (n % 2)}.`,
    }),
    () => ({
      section: 'markets',
      titles: [
        `${cap(bank)} ${up ? 'raises' : 'holds'} interest rates at ${rate}%, signals ${up ? 'more tightening' : 'patience'}`,
        `${cap(bank)} ${up ? 'hikes' : 'leaves'} rates ${up ? 'to' : 'unchanged at'} ${rate}% as inflation ${up ? 'persists' : 'cools'}`,
        `Rate decision: ${bank} ${up ? 'lifts' : 'holds'} borrowing costs at ${rate}%`,
      ],
      facts: `Policymakers at ${bank} voted ${Math.round(5 + r() * 4)}–${Math.round(r() * 3)} to ${up ? 'raise' : 'keep'} the benchmark rate ${up ? 'to' : 'at'} ${rate}%, citing services inflation and a tight labour market.`,
    }),
    () => {
      const c = pick(r, COMMODITIES);
      return {
        section: 'markets',
        titles: [
          `${c} ${up ? 'climbs' : 'falls'} to ${Math.round(2 + r() * 20)}-week ${up ? 'high' : 'low'} on ${up ? 'supply worries' : 'demand fears'}`,
          `${c} prices ${up ? 'rise' : 'drop'} ${pct}% as traders weigh ${up ? 'supply worries' : 'weak demand'}`,
        ],
        facts: `${c} futures moved ${pct}% over the session; traders cited ${up ? 'inventory draws and output cuts' : 'slowing factory activity and a stronger dollar'} while hedge funds trimmed positions.`,
      };
    },
    () => {
      const fx = pick(r, CURRENCIES);
      return {
        section: 'markets',
        titles: [
          `${fx} ${up ? 'gains' : 'slips'} after ${pick(r, ['jobs', 'inflation', 'retail sales', 'PMI'])} data ${up ? 'surprise' : 'disappoint'}`,
          `Currency markets: ${fx.toLowerCase()} ${up ? 'rallies' : 'drops'} ${pct}% on data`,
        ],
        facts: `${fx} moved ${pct}% against a basket of currencies after the release; bond yields ${up ? 'rose' : 'fell'} by ${Math.round(3 + r() * 15)} basis points.`,
      };
    },
    () => ({
      section: 'markets',
      titles: [
        `${co} agrees to buy ${co2} in $${bn}bn deal`,
        `${co} to acquire ${co2} for $${bn} billion`,
        `${co2} accepts $${bn}bn takeover offer from ${co}`,
      ],
      facts: `The all-cash offer values ${co2} at a ${Math.round(15 + r() * 30)}% premium to its last close; the merger needs approval from regulators in ${pick(r, COUNTRIES)} and the EU.`,
    }),
    () => {
      const idx = pick(r, INDICES);
      const sector = pick(r, SECTORS);
      return {
        section: 'markets',
        titles: [
          `${idx} ${up ? 'rises' : 'falls'} ${pct}% as ${sector} stocks ${up ? 'lead gains' : 'drag'}`,
          `Stocks ${up ? 'rally' : 'slide'}: ${idx.replace(/^The /, '')} ${up ? 'up' : 'down'} ${pct}% led by ${sector} shares`,
        ],
        facts: `${idx} closed ${up ? 'higher' : 'lower'} after a volatile session; ${sector} shares moved most as investors reacted to earnings and the latest economic data.`,
      };
    },
    () => {
      const country = pick(r, COUNTRIES);
      return {
        section: 'markets',
        titles: [
          `${country} economy ${up ? 'grows' : 'shrinks'} ${(r() * 3).toFixed(1)}% in the quarter, ${up ? 'beating' : 'missing'} estimates`,
          `${country} GDP ${up ? 'beats' : 'misses'} forecasts as ${up ? 'exports rise' : 'consumer spending falls'}`,
        ],
        facts: `Official figures showed gross domestic product in ${country} ${up ? 'expanded' : 'contracted'} in the three months to September; economists now expect the central bank to ${up ? 'hold' : 'cut'} rates.`,
      };
    },
  ];
  return pick(r, kinds)();
}

function worldEvent(r: Rand): Event {
  const country = pick(r, COUNTRIES);
  const country2 = pick(r, COUNTRIES.filter((c) => c !== country));
  const city = pick(r, CITIES);
  const issue = pick(r, ISSUES);
  const leader = pick(r, LEADERS);
  const n = Math.round(200 + r() * 20_000);
  const kinds: (() => Event)[] = [
    () => ({
      section: 'world',
      titles: [
        `${country} votes in ${pick(r, ['parliamentary', 'presidential', 'regional'])} election as ${issue} dominates campaign`,
        `Polls open in ${country} election with ${issue} at the centre`,
        `${country} election: voters weigh ${issue} in tight race`,
      ],
      facts: `Turnout in ${country} was ${Math.round(40 + r() * 40)}% by midday, officials said; the opposition has campaigned on ${issue} and the cost of living.`,
    }),
    () => ({
      section: 'world',
      titles: [
        `${cap(leader)} of ${country} meets ${country2} counterpart in ${city} for ${issue} talks`,
        `${country} and ${country2} hold ${issue} summit in ${city}`,
        `Summit in ${city}: ${country}, ${country2} seek ${issue} deal`,
      ],
      facts: `Diplomats said the two-day meeting in ${city} would focus on ${issue}; a joint statement is expected on ${pick(r, ['Thursday', 'Friday', 'the weekend'])}.`,
    }),
    () => ({
      section: 'world',
      titles: [
        `${pick(r, DISASTERS)} hits ${country}, ${n.toLocaleString('en-GB')} people displaced`,
        `${country} disaster: thousands displaced, rescue teams deployed`,
      ],
      facts: `Emergency services in ${country} said ${n.toLocaleString('en-GB')} people had left their homes; the humanitarian agencies appealed for shelter and clean water.`,
    }),
    () => ({
      section: 'world',
      titles: [
        `Protesters rally in ${city} over ${issue}`,
        `Thousands march in ${city} against government ${issue} plans`,
      ],
      facts: `Police estimated the crowd in ${city} at ${n.toLocaleString('en-GB')}; organisers said the protest would continue until the ${issue} bill is withdrawn.`,
    }),
    () => ({
      section: 'world',
      titles: [
        `UN Security Council vote on ${country} ${issue} resolution`,
        `Security Council backs ${issue} resolution on ${country}`,
      ],
      facts: `The resolution passed ${Math.round(9 + r() * 6)}–0 with abstentions; diplomats said it opens the way for a monitoring mission in ${country}.`,
    }),
    () => ({
      section: 'world',
      titles: [
        `Court in ${country} rules against government on ${issue}`,
        `${country} top court strikes down ${issue} law`,
      ],
      facts: `Judges in ${country} found the ${issue} law unconstitutional; the government said it would study the ruling and could present a new bill to parliament.`,
    }),
  ];
  return pick(r, kinds)();
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const FILLER = [
  'Analysts said the move had been widely expected.',
  'Officials declined to comment further.',
  'The announcement came after weeks of speculation.',
  'Markets in Asia were mixed overnight.',
  'More details are expected later this week.',
  'Critics say the plan does not go far enough.',
];

const slug = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

/**
 * `count` stories published in [until − 30 h, until − 2 min]: about four in five fall in a
 * 24-hour edition window. Events alternate markets/world; one in three is covered by 2–5 outlets.
 */
export function poolGroups(count: number, until: Date, seed = 7): StoryGroup[] {
  const r = rng(seed);
  const groups: StoryGroup[] = [];
  let stories = 0;
  for (let e = 0; stories < count; e += 1) {
    const event = e % 2 ? worldEvent(r) : marketsEvent(r, e);
    const coverage = r() < 0.67 ? 1 : 2 + Math.floor(r() * 4);
    const at = until.getTime() - 2 * 60_000 - r() * 30 * HOUR;
    const sources = POOL_SOURCES.filter((s) => s.section === event.section);
    const first = Math.floor(r() * sources.length);
    const members: Story[] = [];
    for (let c = 0; c < coverage && stories < count; c += 1, stories += 1) {
      const source = sources[(first + c * 7) % sources.length]!;
      const title = event.titles[c % event.titles.length]!;
      const summary = `${event.facts} ${pick(r, FILLER)}`.slice(0, 300);
      const publishedAt = new Date(Math.min(until.getTime() - 60_000, at + c * r() * 2 * HOUR)).toISOString();
      const url = `https://www.${source.id}.example/${event.section}/${publishedAt.slice(0, 10).replaceAll('-', '/')}/${slug(title)}-${e}`;
      members.push({
        id: storyId(source.id, url),
        sourceId: source.id,
        sourceName: source.name,
        title,
        url,
        summary,
        ...(r() < 0.4 ? { imageUrl: `https://img.${source.id}.example/${e}-${c}.jpg` } : {}),
        publishedAt,
        fetchedAt: new Date(Date.parse(publishedAt) + 5 * 60_000).toISOString(),
        section: topicFor(source.section, title, summary, DEFAULT_TOPICS),
      });
    }
    groups.push({ id: members[0]!.id, members });
  }
  return groups;
}

/** Fresh prices as of `at` (a mix of states, as a real snapshot has). */
export function poolMarket(at: Date): MarketSnapshot {
  const q = (symbol: string, label: string, price: number | null, change: number | null, state: 'fresh' | 'stale' | 'missing') => ({
    symbol, label, price, change, state, provider: 'yahoo',
    previousClose: price === null || change === null ? null : price - change,
    changePercent: price === null || change === null ? null : (change / (price - change)) * 100,
    asOf: state === 'missing' ? null : new Date(at.getTime() - (state === 'stale' ? 60 : 1) * HOUR).toISOString(),
    // Five sessions with a shape, as Yahoo's chart gives them (the sparkline and the week's change).
    history: price === null ? [] : [0.98, 1.01, 0.985, 1, 1].map((f, i) => ({ date: `2026-03-0${2 + i}`, close: i === 4 ? price : price * f })),
    weekAgoClose: price === null ? null : price * 0.97,
  });
  return {
    fetchedAt: new Date(at.getTime() - 5 * 60_000).toISOString(),
    quotes: [
      q('^GSPC', 'S&P 500', 5012.34, 12.3, 'fresh'), q('^IXIC', 'Nasdaq', 17650.1, -95.42, 'fresh'),
      q('^FTSE', 'FTSE 100', 8120.5, 0, 'stale'), q('^GDAXI', 'DAX', 18950.2, 101.7, 'fresh'),
      q('EURUSD=X', 'EUR/USD', 1.0842, -0.0031, 'fresh'), q('GC=F', 'Gold', 2391.4, 8.2, 'fresh'),
      q('^N225', 'Nikkei 225', null, null, 'missing'),
    ],
  };
}

export interface SeededPool {
  stories: number;
  clusters: number;
  /** Clusters with more than one outlet. */
  multiSource: number;
  /** Ranked clusters per section in the window [until − windowHours, until). */
  inWindow: { markets: number; world: number };
  ms: number;
  /** Redis MEMORY USAGE of the pool's cluster keys and time index (what POOL_TTL_SECONDS keeps alive). */
  bytes: number;
}

/** Bytes the story pool takes in Redis: every cluster key plus the by-time index. */
async function poolBytes(redis: Redis, keys: Keyspace): Promise<number> {
  const ids = await redis.zrange(keys.clustersByTime(), 0, -1);
  let total = Number(await redis.call('MEMORY', 'USAGE', keys.clustersByTime(), 'SAMPLES', '0')) || 0;
  for (let i = 0; i < ids.length; i += 500) {
    const p = redis.pipeline();
    for (const id of ids.slice(i, i + 500)) p.call('MEMORY', 'USAGE', keys.storyCluster(id), 'SAMPLES', '0');
    for (const [, bytes] of (await p.exec()) ?? []) total += Number(bytes) || 0;
  }
  return total;
}

/** Cluster and save `count` stories as ingest does, then read them back through the pool. */
export async function seedStoryPool(
  redis: Redis,
  keys: Keyspace,
  opts: { count: number; until: Date; windowHours: number; perSection: number },
): Promise<SeededPool> {
  const t0 = performance.now();
  const pool = createStoryPool({ redis, keys });
  const groups = poolGroups(opts.count, opts.until);
  const weights = Object.fromEntries(POOL_SOURCES.map((s) => [s.id, s.weight]));
  await pool.saveClusters(groups.map((g) => ({ ...g, weights })), opts.until);
  await pool.saveMarketSnapshot(poolMarket(opts.until));

  const back = await pool.loadGroups(new Date(opts.until.getTime() - 4 * 24 * HOUR));
  const members = back.reduce((n, g) => n + g.members.length, 0);
  check(back.length === groups.length, `pool read back ${back.length} clusters, ${groups.length} were saved`);
  check(members === opts.count, `pool read back ${members} stories, ${opts.count} were saved`);
  check((await pool.getMarketSnapshot())?.quotes.length === 7, 'market snapshot did not read back through the pool');
  const since = new Date(opts.until.getTime() - opts.windowHours * HOUR);
  const ranked = await pool.listClusters({ since, until: opts.until });
  const inWindow = { markets: 0, world: 0 };
  for (const c of ranked) if (c.section === 'markets' || c.section === 'world') inWindow[c.section] += 1;
  check(
    inWindow.markets >= opts.perSection && inWindow.world >= opts.perSection,
    `pool has too few clusters in the window for full variants: ${JSON.stringify(inWindow)}`,
  );
  return {
    stories: members,
    clusters: back.length,
    multiSource: back.filter((g) => new Set(g.members.map((m) => m.sourceId)).size > 1).length,
    inWindow,
    ms: performance.now() - t0,
    bytes: await poolBytes(redis, keys),
  };
}
