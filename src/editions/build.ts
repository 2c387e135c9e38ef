// Build the edition for a slot: pick the stories, store them with the edition,
// render each variant once, mark it ready. Safe to run twice or concurrently: the
// first `create` wins, variants are rendered only from the stored story list (so a
// second builder produces the same mail), and building → ready is compare-and-set.
import { randomBytes } from 'node:crypto';
import type { Cluster, MarketSnapshot } from '../stories/model.js';
import type { Section } from '../stories/sources-schema.js';
import { compileMjml, type CompileMjml } from './compile.js';
import { editionIdForSlot, type Edition, type EditionMode } from './model.js';
import { readerVariant, topicsKey, topicsOfKey } from '../topics.js';
import { pickClusters } from './pick.js';
import { renderVariant, type RenderSettings } from './render.js';
import { renderCharts } from './charts.js';
import { previousWeeklyIds, rankForWeek, WEEK_HOURS, withoutPrevious } from './weekly.js';
import type { EditionStore } from './store.js';

/** What editions need from the story pool (src/stories/pool.ts provides it). */
export interface StorySource {
  /** Clusters published in [since, until), best first. */
  listClusters(query: { since: Date; until: Date; sections?: Section[] }): Promise<Cluster[]>;
  getMarketSnapshot(): Promise<MarketSnapshot | null>;
}

/** Who an edition is for, as far as rendering cares: the topic sets of its due readers. */
export interface Audience {
  /** Topic lists of the readers due in this slot (`scheduled`) or of every confirmed reader (`now`); one entry per distinct list. */
  topicSets(slot: Date, mode: EditionMode): Promise<readonly (readonly string[])[]>;
}

export interface BuildDeps {
  stories: StorySource;
  audience: Audience;
  editions: Pick<EditionStore, 'create' | 'get' | 'setStatus' | 'putVariant' | 'putChart'>;
  settings: RenderSettings;
  now: () => Date;
  /** Injected so tests and benchmarks can count compiles. */
  compile?: CompileMjml;
}

export interface BuildRequest {
  /** The UTC slot served; for mode `now`, the moment the operator asked. */
  slot: Date;
  mode: EditionMode;
  /** Variant keys to render (topicsKey form); default: the combinations the audience has. */
  variants?: string[];
}

export class EditionBuildError extends Error {
  override name = 'EditionBuildError';
}

const HOUR = 3_600_000;

/**
 * A new edition record (status `building`) from the pool as of the slot. A weekly edition
 * looks back seven days, ranks by coverage and leaves out what `previous` (the same
 * readers' last weekly edition) showed.
 */
export async function draftEdition(
  stories: StorySource,
  request: BuildRequest & { variants: string[] },
  settings: Pick<RenderSettings, 'perSection' | 'windowHours' | 'topics'>,
  now: Date,
  previous: readonly Cluster[] = [],
): Promise<Edition> {
  const sections = [...new Set(request.variants.flatMap((key) => topicsOfKey(key, settings.topics)))];
  const weekly = request.mode === 'weekly';
  const until = request.slot;
  const since = new Date(until.getTime() - (weekly ? WEEK_HOURS : settings.windowHours) * HOUR);
  const [listed, market] = await Promise.all([
    stories.listClusters({ since, until, sections }),
    stories.getMarketSnapshot(),
  ]);
  const ranked = weekly ? rankForWeek(withoutPrevious(listed, previous)) : listed;
  const at = now.toISOString();
  return {
    id: editionIdForSlot(request.slot, request.mode),
    slot: request.slot.toISOString(),
    mode: request.mode,
    status: 'building',
    window: { since: since.toISOString(), until: until.toISOString() },
    clusters: pickClusters(ranked, { sections, perSection: settings.perSection }),
    market,
    token: randomBytes(6).toString('hex'),
    variants: request.variants,
    createdAt: at,
    updatedAt: at,
    statusAt: { building: at },
  };
}

/** The clusters of the weekly editions a week before this slot (its readers' previous one). */
async function previousWeekly(editions: Pick<EditionStore, 'get'>, slot: Date): Promise<Cluster[]> {
  const found = await Promise.all(previousWeeklyIds(slot).map((id) => editions.get(id)));
  return found.flatMap((e) => (e && e.status !== 'cancelled' ? e.clusters : []));
}

/**
 * The variants an edition renders: one per distinct topic combination among its readers
 * (topics the sources file no longer declares are dropped, see readerVariant), never
 * every possible one. With no reader at all, the full one, so the archive has a copy.
 */
export function variantsFor(topicSets: readonly (readonly string[])[], settings: Pick<RenderSettings, 'topics'>): string[] {
  const keys = new Set(topicSets.map((set) => readerVariant(set, settings.topics)));
  if (keys.size === 0) keys.add(topicsKey(settings.topics.map((t) => t.id)));
  return [...keys].sort();
}

export async function buildEdition(deps: BuildDeps, request: BuildRequest): Promise<Edition> {
  const { editions } = deps;
  const id = editionIdForSlot(request.slot, request.mode);

  let edition = await editions.get(id);
  if (!edition) {
    const variants = request.variants ?? variantsFor(await deps.audience.topicSets(request.slot, request.mode), deps.settings);
    variants.forEach((key) => topicsOfKey(key, deps.settings.topics)); // refuse unknown keys before touching Redis
    const previous = request.mode === 'weekly' ? await previousWeekly(editions, request.slot) : [];
    const draft = await draftEdition(deps.stories, { ...request, variants }, deps.settings, deps.now(), previous);
    await editions.create(draft); // false: another builder got there first; use theirs
    edition = await editions.get(id);
    if (!edition) throw new EditionBuildError(`edition ${id} vanished while building`);
  }
  if (edition.status !== 'building') return edition;

  const charts = await renderCharts(edition, editions);
  const source = { ...edition, slot: new Date(edition.slot), charts };
  for (const key of edition.variants) {
    await editions.putVariant(await renderVariant(source, key, deps.settings, deps.compile ?? compileMjml));
  }
  await editions.setStatus(id, 'building', 'ready');
  const done = await editions.get(id);
  if (!done) throw new EditionBuildError(`edition ${id} vanished after building`);
  return done;
}
