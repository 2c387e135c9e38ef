// Group stories about the same event. Pure: the caller loads the pool's recent
// clusters, passes the new stories, and saves what changed.
import type { Story } from './model.js';
import { entities, jaccard, normalisedTitle, tokens } from './similarity.js';
import { urlKey } from './url.js';

export interface ClusterThresholds {
  /** Stories further apart than this are never the same story (unless the URL is equal). */
  windowHours: number;
  /** Title word-set Jaccard at or above which two stories match. */
  title: number;
  /** Title+summary Jaccard at or above which two stories match. */
  full: number;
  /** Lower title+summary Jaccard that matches when the stories share a named entity. */
  fullWithEntity: number;
}

/** Tuned on test/fixtures/feeds/labelled (see docs/stories.md for precision/recall). */
export const DEFAULT_THRESHOLDS: ClusterThresholds = { windowHours: 36, title: 0.5, full: 0.3, fullWithEntity: 0.15 };

const MAX_COMPARED_MEMBERS = 25;

/** What the pool stores: every member, so later runs can join new stories to it. */
export interface StoryGroup {
  id: string;
  members: Story[];
  /** Source weights at the time of saving, so readers of the pool need no sources file. */
  weights?: Record<string, number>;
  /** Ids of the site's own sources (`home: true`) at the time of saving: they lead (rank.ts). */
  home?: string[];
  /** The sources file's `ranking.homeBoost` at the time of saving. */
  homeBoost?: number;
}

interface Features {
  sourceId: string;
  urlKey: string;
  titleKey: string;
  title: Set<string>;
  full: Set<string>;
  names: Set<string>;
  time: number;
}

export function features(s: Story): Features {
  return {
    sourceId: s.sourceId,
    urlKey: urlKey(s.url),
    titleKey: normalisedTitle(s.title),
    title: new Set(tokens(s.title)),
    full: new Set(tokens(`${s.title} ${s.summary}`)),
    names: entities(s.title, s.summary),
    time: Date.parse(s.publishedAt),
  };
}

/** How strongly two stories are the same event; 0 = not the same. */
export function matchScore(a: Features, b: Features, t: ClusterThresholds = DEFAULT_THRESHOLDS): number {
  // Within one feed, identity is the story id (guid): podcast episodes sharing a link stay apart.
  if (a.urlKey === b.urlKey && a.sourceId !== b.sourceId) return 3;
  if (a.titleKey && a.titleKey === b.titleKey && a.title.size >= 3) return 2;
  if (Math.abs(a.time - b.time) > t.windowHours * 3_600_000) return 0;
  const tj = jaccard(a.title, b.title);
  if (tj >= t.title) return 1 + tj;
  const fj = jaccard(a.full, b.full);
  if (fj >= t.full) return fj;
  if (fj >= t.fullWithEntity) {
    for (const n of a.names) if (b.names.has(n)) return fj;
  }
  return 0;
}

/** Stable order for incoming stories, so a run's result does not depend on fetch timing. */
function byTimeThenId(a: Story, b: Story): number {
  return a.publishedAt.localeCompare(b.publishedAt) || a.sourceId.localeCompare(b.sourceId) || a.id.localeCompare(b.id);
}

export interface ClusterResult {
  groups: StoryGroup[];
  /** Ids of groups that are new or gained members. */
  changed: Set<string>;
  added: number;
}

/**
 * Single-link clustering of `incoming` into `existing`: each new story joins the
 * group holding its best match, or starts a group. An inverted index on tokens
 * keeps this near-linear for a day's few thousand stories.
 */
export function clusterStories(existing: StoryGroup[], incoming: Story[], t: ClusterThresholds = DEFAULT_THRESHOLDS): ClusterResult {
  const groups = existing.map((g) => ({ id: g.id, members: [...g.members] })).sort((a, b) => a.id.localeCompare(b.id));
  const feats: Features[][] = groups.map((g) => g.members.map(features));
  const known = new Set(groups.flatMap((g) => g.members.map((m) => m.id)));
  const byUrl = new Map<string, number>();
  const byTitle = new Map<string, number>();
  const byToken = new Map<string, Set<number>>();
  const index = (gi: number, f: Features) => {
    if (!byUrl.has(f.urlKey)) byUrl.set(f.urlKey, gi);
    if (f.titleKey && !byTitle.has(f.titleKey)) byTitle.set(f.titleKey, gi);
    for (const tok of f.full) {
      let set = byToken.get(tok);
      if (!set) byToken.set(tok, (set = new Set()));
      set.add(gi);
    }
  };
  feats.forEach((fs, gi) => fs.forEach((f) => index(gi, f)));

  const changed = new Set<string>();
  let added = 0;
  for (const story of [...incoming].sort(byTimeThenId)) {
    if (known.has(story.id)) continue;
    known.add(story.id);
    added++;
    const f = features(story);
    let best = -1;
    let bestScore = 0;
    // Count shared tokens per group: Jaccard ≥ θ needs at least θ·|A| shared tokens, so
    // groups below that bound (for both the title and the full rule) are skipped unread.
    const shared = new Map<number, number>();
    for (const tok of f.full) for (const gi of byToken.get(tok) ?? []) shared.set(gi, (shared.get(gi) ?? 0) + 1);
    const need = Math.max(1, Math.min(t.fullWithEntity * f.full.size, t.title * f.title.size));
    const candidates = [...shared].filter(([, n]) => n >= need).map(([gi]) => gi);
    for (const exact of [byUrl.get(f.urlKey), byTitle.get(f.titleKey)]) if (exact !== undefined) candidates.push(exact);
    for (const gi of [...new Set(candidates)].sort((a, b) => a - b)) {
      // The first members define a story; comparing against every later one only adds chaining and time.
      for (const other of feats[gi]!.slice(0, MAX_COMPARED_MEMBERS)) {
        const s = matchScore(f, other, t);
        if (s > bestScore) {
          bestScore = s;
          best = gi;
        }
      }
    }
    if (best < 0) {
      groups.push({ id: story.id, members: [story] });
      feats.push([f]);
      best = groups.length - 1;
    } else {
      groups[best]!.members.push(story);
      feats[best]!.push(f);
    }
    index(best, f);
    changed.add(groups[best]!.id);
  }
  return { groups, changed, added };
}
