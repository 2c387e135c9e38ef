// Whether a claimed reader is still due, checked at send time (the fan-out read the indexes
// earlier): confirmed, not suppressed, the edition's cadence, a delivery day, no digest yet for
// this local date, and (SKIP_EMPTY_EDITIONS) something new since their previous edition.
import type { Subscriber } from '../subscribers/model.js';
import { hadDigestOnLocalDate, isDeliveryDay } from '../editions/slots.js';
import { hasNewStoriesSince } from '../editions/pick.js';
import type { EditionPort } from './ports.js';

/** What `lastEditionFor` remembers per reader: the slot, and which edition and variant it was. */
interface LastDelivery {
  slot: Date;
  editionId: string;
  variantKey: string;
}

function parseLast(value: string | null): LastDelivery | null {
  if (!value) return null;
  const v = JSON.parse(value) as { slot: string; edition: string; variant: string };
  return { slot: new Date(v.slot), editionId: v.edition, variantKey: v.variant };
}

export interface SkipRuleDeps {
  editions: Pick<EditionPort, 'storyIds' | 'variantFor'>;
  /** SKIP_EMPTY_EDITIONS: skip a reader when nothing is new since their previous edition. */
  skipEmpty: boolean;
}

/** The reason to skip this reader, or null to send. `lastRaw`: their last-edition entry, read by the claim. */
export function createSkipRule(deps: SkipRuleDeps) {
  async function nothingNew(editionId: string, key: string, last: LastDelivery | null): Promise<boolean> {
    if (!deps.skipEmpty) return false;
    const current = await deps.editions.storyIds(editionId, key);
    if (current === null) return false;
    const previous = last ? await deps.editions.storyIds(last.editionId, last.variantKey) : null;
    return !hasNewStoriesSince({ storyIds: current }, previous);
  }

  return async function skipReason(
    sub: Subscriber | null,
    edition: { editionId: string; slot: Date; mode: string },
    lastRaw: string | null,
    suppressed: ReadonlySet<string>,
  ): Promise<string | null> {
    if (!sub) return 'deleted';
    if (sub.status !== 'confirmed') return sub.status;
    if (suppressed.has(sub.email)) return 'suppressed';
    const last = parseLast(lastRaw);
    if (edition.mode !== 'now') {
      // The reader may have changed cadence since the fan-out read the index.
      if ((edition.mode === 'weekly') !== (sub.cadence === 'weekly')) return 'cadence';
      if (edition.mode === 'scheduled' && !isDeliveryDay(edition.slot, sub.timezone, sub.weekdaysOnly)) return 'weekend';
      if (hadDigestOnLocalDate(last?.slot ?? null, edition.slot, sub.timezone)) return 'already-today';
    }
    if (await nothingNew(edition.editionId, deps.editions.variantFor(sub.topics), last)) return 'nothing-new';
    return null;
  };
}
