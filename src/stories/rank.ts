// Score and order clusters. Pure and deterministic for a fixed `now`:
//   score = 1.0·log2(1 + distinct sources) + 0.5·max source weight + 1.5·exp(−age h / 12)
//           (+ homeBoost when the site's own feed is part of the cluster)
// Leadership is decided here, after clustering: a home source's story leads every
// cluster it is part of, whatever the weights; the other outlets are "also covered by".
// then a per-section cap on how many clusters one source may lead before it is moved down.
import type { Cluster, Story } from './model.js';
import type { Section } from './sources-schema.js';
import type { StoryGroup } from './cluster.js';

export interface RankOptions {
  now: Date;
  /** Source id → weight from the sources file; unknown sources weigh 1. */
  weights?: ReadonlyMap<string, number>;
  /** Clusters one source may lead per section before the rest are moved below the others. Default 3. */
  perSourceCap?: number;
  /** Only members published in [since, now] count; others are as if not yet (or no longer) seen. */
  since?: Date;
}

export const HALF_LIFE_HOURS = 12;

const weightOf = (w: ReadonlyMap<string, number> | undefined, sourceId: string) => w?.get(sourceId) ?? 1;

/** The reader-facing view of one group as of `now`, or null when no member is visible then. */
export function toCluster(group: StoryGroup, opts: RankOptions): Cluster | null {
  const until = opts.now.getTime();
  const since = opts.since?.getTime() ?? -Infinity;
  const members = group.members.filter((m) => Date.parse(m.publishedAt) <= until);
  if (!members.some((m) => Date.parse(m.publishedAt) >= since)) return null;
  const w = (s: Story) => weightOf(opts.weights, s.sourceId);
  const home = new Set(group.home ?? []);
  const isHome = (s: Story) => (home.has(s.sourceId) ? 1 : 0);
  // Lead: the site's own story, then the heaviest source, then the earliest report, then a fixed tie-break.
  const ordered = [...members].sort(
    (a, b) =>
      isHome(b) - isHome(a) ||
      w(b) - w(a) ||
      a.publishedAt.localeCompare(b.publishedAt) ||
      a.sourceId.localeCompare(b.sourceId) ||
      a.id.localeCompare(b.id),
  );
  const lead = ordered[0]!;
  const also: Cluster['alsoCoveredBy'] = [];
  const seen = new Set([lead.sourceId]);
  for (const m of ordered) {
    if (seen.has(m.sourceId)) continue;
    seen.add(m.sourceId);
    also.push({ sourceId: m.sourceId, sourceName: m.sourceName, url: m.url });
  }
  const times = members.map((m) => m.publishedAt).sort();
  const latest = times[times.length - 1]!;
  const ageHours = Math.max(0, (until - Date.parse(latest)) / 3_600_000);
  const maxWeight = Math.max(...members.map(w));
  const boost = isHome(lead) ? (group.homeBoost ?? 0) : 0;
  const raw = Math.log2(1 + seen.size) + 0.5 * maxWeight + 1.5 * Math.exp(-ageHours / HALF_LIFE_HOURS) + boost;
  return {
    id: group.id,
    section: majoritySection(members, lead.section),
    lead,
    alsoCoveredBy: also,
    score: Math.round(raw * 1e6) / 1e6,
    firstSeenAt: times[0]!,
    publishedAt: latest,
  };
}

/** The topic most members carry; the lead's on a tie. */
function majoritySection(members: Story[], tie: Section): Section {
  const counts = new Map<Section, number>();
  for (const m of members) counts.set(m.section, (counts.get(m.section) ?? 0) + 1);
  let best = tie;
  for (const [section, n] of counts) if (n > (counts.get(best) ?? 0)) best = section;
  return best;
}

export function compareClusters(a: Cluster, b: Cluster): number {
  return b.score - a.score || b.publishedAt.localeCompare(a.publishedAt) || a.id.localeCompare(b.id);
}

/** Best first; a source past its cap in a section is moved after the rest of the list. */
export function rankClusters(groups: StoryGroup[], opts: RankOptions): Cluster[] {
  const cap = opts.perSourceCap ?? 3;
  const clusters = groups.map((g) => toCluster(g, opts)).filter((c): c is Cluster => c !== null);
  clusters.sort(compareClusters);
  const led = new Map<string, number>();
  const head: Cluster[] = [];
  const tail: Cluster[] = [];
  for (const c of clusters) {
    const key = `${c.section}\n${c.lead.sourceId}`;
    const n = (led.get(key) ?? 0) + 1;
    led.set(key, n);
    (n <= cap ? head : tail).push(c);
  }
  return [...head, ...tail];
}
