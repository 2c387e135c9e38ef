// Group stories about the same event. Pure: the caller loads the pool's recent
// groups, passes the new stories, and saves what changed. A story joins a group
// only when it agrees with the group as a whole, never through one member.
import type { Story } from './model.js';
import { conflicts, likeness, StoryCorpus, type StoryEvidence } from './evidence.js';

export interface ClusterThresholds {
  /** Stories further apart than this are never the same event (unless the URL is equal). */
  windowHours: number;
  /** Likeness (0..1) with at least one member needed to join a group. */
  link: number;
  /** Likeness at which a member agrees; a group of n ≥ 2 needs max(2, ⌈n/2⌉) agreeing members. */
  support: number;
  /** Mean likeness over the group's compared members needed to join. */
  mean: number;
  /** Likeness needed with every member from the story's own source (outlets rarely report one event twice). */
  sameSource: number;
  /** Likeness is divided by 1 + hours apart / this: outlets report one event within hours of each other. */
  decayHours: number;
}

/** Tuned on the tuning part of test/fixtures/feeds/news-3days.txt (see docs/stories.md). */
export const DEFAULT_THRESHOLDS: ClusterThresholds = { windowHours: 36, link: 0.15, support: 0.1, mean: 0.12, sameSource: 0.8, decayHours: 6 };

/** Members compared per group: the first ones define the event. */
const COMPARED_MEMBERS = 20;
/** Groups scored per story, by shared rare-term weight. */
const CANDIDATE_GROUPS = 40;
/** A story's rarest terms nominate candidate groups; terms in more than this share of the pool do not. */
const NOMINATING_TERMS = 12;
const COMMON_SHARE = 0.05;

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

export interface ClusterResult {
  groups: StoryGroup[];
  /** Ids of groups that are new or gained members. */
  changed: Set<string>;
  /** Ids of pool groups merged into another group (to delete from the pool). */
  removed: string[];
  added: number;
}

const EXACT = 1;

/** How strongly two stories are the same event, 0..1; 1 = the same URL (across feeds) or the same headline. */
export function pairScore(a: StoryEvidence, b: StoryEvidence, t: ClusterThresholds = DEFAULT_THRESHOLDS): number {
  // Within one feed, identity is the story id (guid): podcast episodes sharing a link stay apart.
  if (a.urlKey === b.urlKey && a.story.sourceId !== b.story.sourceId) return EXACT;
  const hours = Math.abs(a.time - b.time) / 3_600_000;
  if (hours > t.windowHours) return 0;
  if (a.titleKey && a.titleKey === b.titleKey) return EXACT;
  if (a.rolling || b.rolling || conflicts(a, b)) return 0;
  return Math.min(likeness(a, b) / (1 + hours / t.decayHours), 0.999);
}

/** Stable order for incoming stories, so a run's result does not depend on fetch timing. */
function byTimeThenId(a: Story, b: Story): number {
  return a.publishedAt.localeCompare(b.publishedAt) || a.sourceId.localeCompare(b.sourceId) || a.id.localeCompare(b.id);
}

/** The group's verdict on a story: how well it fits (mean likeness), or null when it may not join. */
export function groupFit(story: StoryEvidence, members: readonly StoryEvidence[], t: ClusterThresholds = DEFAULT_THRESHOLDS): number | null {
  const compared = members.slice(0, COMPARED_MEMBERS);
  let max = 0;
  let sum = 0;
  let agree = 0;
  for (const m of compared) {
    const s = pairScore(story, m, t);
    if (m.story.sourceId === story.story.sourceId && s < Math.max(t.sameSource, t.link)) return null;
    if (s >= EXACT) return 1 + s;
    max = Math.max(max, s);
    sum += s;
    if (s >= t.support) agree++;
  }
  const n = compared.length;
  const need = n === 1 ? 1 : Math.max(2, Math.ceil(n / 2));
  const mean = sum / n;
  return max >= t.link && agree >= need && mean >= t.mean ? mean : null;
}

/** Groups being built, with an inverted index from rare terms (and URL / headline) to groups. */
class Grouping {
  readonly groups: StoryGroup[];
  readonly evidence: StoryEvidence[][];
  /** Groups merged into another; their ids leave the pool. */
  readonly gone = new Set<number>();
  private readonly byExact = new Map<string, Set<number>>();
  private readonly byTerm = new Map<string, Set<number>>();

  constructor(
    existing: StoryGroup[],
    private readonly corpus: StoryCorpus,
    private readonly common: number,
    private readonly t: ClusterThresholds,
  ) {
    this.groups = existing.map((g) => ({ id: g.id, members: [...g.members] })).sort((a, b) => a.id.localeCompare(b.id));
    this.evidence = this.groups.map((g) => g.members.map((m) => corpus.evidence(m)));
    this.evidence.forEach((es, gi) => es.forEach((e) => this.index(gi, e)));
  }

  private index(gi: number, e: StoryEvidence): void {
    const put = (map: Map<string, Set<number>>, key: string) => (map.get(key) ?? map.set(key, new Set()).get(key)!).add(gi);
    put(this.byExact, `u ${e.urlKey}`);
    if (e.titleKey) put(this.byExact, `t ${e.titleKey}`);
    for (const term of e.full.keys()) put(this.byTerm, term);
  }

  /** Groups sharing the story's rarest terms (most shared weight first), or its URL or headline. */
  private candidates(e: StoryEvidence): number[] {
    const shared = new Map<number, number>();
    for (const [term, w] of [...e.full].sort((a, b) => b[1] - a[1]).slice(0, NOMINATING_TERMS)) {
      const gs = this.byTerm.get(term);
      if (!gs || gs.size > this.common) continue;
      for (const gi of gs) shared.set(gi, (shared.get(gi) ?? 0) + w);
    }
    const out = new Set([...shared].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, CANDIDATE_GROUPS).map(([gi]) => gi));
    for (const key of [`u ${e.urlKey}`, `t ${e.titleKey}`]) for (const gi of this.byExact.get(key) ?? []) out.add(gi);
    return [...out].filter((gi) => !this.gone.has(gi)).sort((a, b) => a - b);
  }

  /** Joins the best-fitting group or starts one; returns the group's index. */
  add(story: Story): number {
    const e = this.corpus.evidence(story);
    let best = -1;
    let bestFit = 0;
    for (const gi of this.candidates(e)) {
      const fit = groupFit(e, this.evidence[gi]!, this.t);
      if (fit !== null && fit > bestFit) [best, bestFit] = [gi, fit];
    }
    if (best < 0) {
      this.groups.push({ id: story.id, members: [story] });
      this.evidence.push([e]);
      best = this.groups.length - 1;
    } else {
      this.groups[best]!.members.push(story);
      this.evidence[best]!.push(e);
    }
    this.index(best, e);
    return best;
  }

  /**
   * Two groups that formed side by side for one event (stories arrived in an order
   * that split them) become one when every member of the smaller fits the larger
   * with a mean likeness of at least a link.
   * Returns the index that absorbed `gi`, or null.
   */
  mergeInto(gi: number): number | null {
    const mine = this.evidence[gi]!;
    const others = new Set(mine.flatMap((e) => this.candidates(e)));
    others.delete(gi);
    for (const gj of others) {
      const theirs = this.evidence[gj]!;
      if (theirs.length < mine.length || (theirs.length === mine.length && gj > gi)) continue;
      // Stricter than joining: each member must fit the other group on average as well as a link.
      if (!mine.every((e) => (groupFit(e, theirs, this.t) ?? 0) >= this.t.link)) continue;
      this.groups[gj]!.members.push(...this.groups[gi]!.members);
      for (const e of mine) {
        theirs.push(e);
        this.index(gj, e);
      }
      this.gone.add(gi);
      return gj;
    }
    return null;
  }
}

/**
 * Clusters `incoming` into `existing`: each new story joins the group that fits it
 * best as a whole, or starts a group; then groups that formed side by side for one
 * event merge. Candidate groups come from an inverted index over rare terms, so a
 * day's few thousand stories cost well under a second.
 */
export function clusterStories(existing: StoryGroup[], incoming: Story[], t: ClusterThresholds = DEFAULT_THRESHOLDS): ClusterResult {
  const known = new Set(existing.flatMap((g) => g.members.map((m) => m.id)));
  const fresh = [...new Map(incoming.filter((s) => !known.has(s.id)).map((s) => [s.id, s])).values()].sort(byTimeThenId);
  const corpus = new StoryCorpus([...existing.flatMap((g) => g.members), ...fresh]);
  const grouping = new Grouping(existing, corpus, Math.max(3, COMMON_SHARE * (known.size + fresh.length)), t);
  const touched = new Set(fresh.map((s) => grouping.add(s)));
  for (const gi of [...touched].sort((a, b) => a - b)) {
    if (grouping.gone.has(gi)) continue;
    const into = grouping.mergeInto(gi);
    if (into !== null) touched.add(into);
  }
  const { groups, gone } = grouping;
  const existingIds = new Set(existing.map((g) => g.id));
  return {
    groups: groups.filter((_, gi) => !gone.has(gi)),
    changed: new Set([...touched].filter((gi) => !gone.has(gi)).map((gi) => groups[gi]!.id)),
    removed: [...gone].map((gi) => groups[gi]!.id).filter((id) => existingIds.has(id)),
    added: fresh.length,
  };
}
