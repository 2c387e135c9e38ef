// Wires the real stages into the ports delivery declares (src/delivery/ports.ts):
// the subscriber store, signed links, and the editions stage over the story pool.
import type { AppContext } from '../context.js';
import { createLinks } from '../delivery/links.js';
import type { DeliveryPorts, EditionPort } from '../delivery/ports.js';
import { buildEdition } from '../editions/build.js';
import type { CompileMjml } from '../editions/compile.js';
import type { EditionStatus, EditionVariant } from '../editions/model.js';
import { personaliseParts } from '../editions/personalise.js';
import { editionSettings } from './settings.js';
import { editionIdForSlot } from '../editions/store.js';
import { slotMembers } from '../editions/slots.js';
import { closestVariant, readerVariant } from '../topics.js';

/** `compile`: for tests that count compiles (the MJML thread by default). */
export function createEditionPort(ctx: AppContext, now: () => Date = () => new Date(), compile?: CompileMjml): EditionPort<EditionVariant> {
  const { editions } = ctx;
  const storyIdCache = new Map<string, Promise<readonly string[] | null>>();
  const settings = editionSettings(ctx.config);
  const audience = {
    async topicSets(slot: Date, mode: string) {
      if (mode === 'now') return ctx.subscribers.topicSetsIn();
      // A weekly edition serves the slot's weekly readers, a daily one its daily readers.
      const members = slotMembers(slot, await ctx.subscribers.slotsInUse()).filter((m) => (m.weekday !== undefined) === (mode === 'weekly'));
      return ctx.subscribers.topicSetsIn(members);
    },
  };
  const deps = { stories: ctx.stories, editions, audience, settings, now, ...(compile ? { compile } : {}) };
  return {
    editionIdForSlot: (slot, mode) => editionIdForSlot(new Date(slot), mode),
    async build({ slot, mode }) {
      const edition = await buildEdition(deps, { slot: new Date(slot), mode });
      return { editionId: edition.id, status: edition.status };
    },
    setStatus: (id, from, to) => editions.setStatus(id, from as EditionStatus, to as EditionStatus),
    variantFor: (topics) => readerVariant(topics, settings.topics),
    async getVariant(id, key) {
      const variant = await editions.getVariant(id, key);
      if (variant) return variant;
      // The reader changed topics after the build: the closest variant the edition has.
      const edition = await editions.get(id);
      const closest = edition ? closestVariant(key, edition.variants) : undefined;
      return closest ? editions.getVariant(id, closest) : null;
    },
    personaliseParts: (variant, fields) => personaliseParts(variant, fields),
    async storyIds(id, key) {
      // Variants never change once built: remember their story lists for the skip rule.
      const cacheKey = `${id}/${key}`;
      let ids = storyIdCache.get(cacheKey);
      if (!ids) {
        ids = editions.getVariant(id, key).then((v) => v?.storyIds ?? null);
        if (storyIdCache.size >= 64) storyIdCache.delete(storyIdCache.keys().next().value!);
        storyIdCache.set(cacheKey, ids);
      }
      return ids;
    },
  };
}

export function createDeliveryPorts(ctx: AppContext): DeliveryPorts<EditionVariant> {
  return {
    subscribers: ctx.subscribers,
    links: createLinks({ tokens: ctx.tokens, publicUrl: ctx.config.PUBLIC_URL }),
    editions: createEditionPort(ctx),
  };
}
