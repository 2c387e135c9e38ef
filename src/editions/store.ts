// Editions in Redis. The record is a hash: `data` (the JSON body) plus `status`,
// `reason` and `at:<status>` fields, so the status can change atomically without
// rewriting the body. Variants are separate string keys (the HTML is large).
import type { RedisClient } from '../redis.js';
import type { Keyspace } from '../keys.js';
import { luaCommands } from '../lua.js';
import {
  EditionSchema,
  EditionVariantSchema,
  EDITION_STATUSES,
  TRANSITIONS,
  type Edition,
  type EditionStatus,
  type EditionVariant,
} from './model.js';

export { editionIdForSlot } from './model.js';

export class InvalidTransitionError extends Error {
  override name = 'InvalidTransitionError';
}

export interface EditionStore {
  /** Store a new edition in `building`; false if the id already exists (someone else is building it). */
  create(edition: Edition): Promise<boolean>;
  get(id: string): Promise<Edition | null>;
  /** Compare-and-set: moves `from → to` only if the status is still `from`. */
  setStatus(id: string, from: EditionStatus, to: EditionStatus, reason?: string): Promise<boolean>;
  /** Newest slot first. */
  list(options?: { limit?: number }): Promise<Edition[]>;
  putVariant(variant: EditionVariant): Promise<void>;
  getVariant(id: string, variantKey: string): Promise<EditionVariant | null>;
  /** A symbol's sparkline PNG for this edition (same bytes on a rebuild). */
  putChart(id: string, symbol: string, png: Buffer): Promise<void>;
  getChart(id: string, symbol: string): Promise<Buffer | null>;
}

export interface EditionStoreDeps {
  redis: RedisClient;
  keys: Pick<Keyspace, 'edition' | 'editionIndex' | 'editionVariant' | 'editionChart'>;
  now?: () => Date;
}

// Compare-and-set writes are scripts in lua/ (headers there: KEYS, ARGV, return).
const commands = luaCommands(import.meta.url, {
  editionCreate: { file: 'lua/edition-create.lua', keys: 2 },
  editionSetStatus: { file: 'lua/edition-set-status.lua', keys: 1 },
});

function fromHash(hash: Record<string, string>): Edition | null {
  if (!hash.data) return null;
  const body = JSON.parse(hash.data) as Record<string, unknown>;
  const statusAt: Partial<Record<EditionStatus, string>> = {};
  for (const s of EDITION_STATUSES) {
    const at = hash[`at:${s}`];
    if (at) statusAt[s] = at;
  }
  return EditionSchema.parse({
    ...body,
    status: hash.status,
    updatedAt: hash.updatedAt,
    statusAt,
    ...(hash.reason ? { reason: hash.reason } : {}),
  });
}

export function createEditionStore(deps: EditionStoreDeps): EditionStore {
  const { redis, keys } = deps;
  const lua = commands(redis);
  const now = deps.now ?? (() => new Date());

  return {
    async create(edition) {
      const valid = EditionSchema.parse(edition);
      const { status: _s, reason: _r, updatedAt: _u, statusAt: _a, ...body } = valid;
      const created = await lua.editionCreate(
        [keys.edition(valid.id), keys.editionIndex()],
        [JSON.stringify(body), now().toISOString(), Date.parse(valid.slot), valid.id],
      );
      return created === 1;
    },

    async get(id) {
      return fromHash(await redis.hgetall(keys.edition(id)));
    },

    async setStatus(id, from, to, reason) {
      if (!TRANSITIONS[from].includes(to)) throw new InvalidTransitionError(`edition cannot go ${from} → ${to}`);
      const moved = await lua.editionSetStatus([keys.edition(id)], [from, to, now().toISOString(), reason ?? '']);
      return moved === 1;
    },

    async list(options = {}) {
      const limit = Math.max(1, Math.min(options.limit ?? 50, 500));
      const ids = await redis.zrevrange(keys.editionIndex(), 0, limit - 1);
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(keys.edition(id));
      const results = (await pipeline.exec()) ?? [];
      const out: Edition[] = [];
      for (const [err, hash] of results) {
        if (err) throw err;
        const edition = fromHash(hash as Record<string, string>);
        if (edition) out.push(edition);
      }
      return out;
    },

    async putVariant(variant) {
      const valid = EditionVariantSchema.parse(variant);
      await redis.set(keys.editionVariant(valid.editionId, valid.key), JSON.stringify(valid));
    },

    async getVariant(id, variantKey) {
      const raw = await redis.get(keys.editionVariant(id, variantKey));
      return raw === null ? null : EditionVariantSchema.parse(JSON.parse(raw));
    },

    async putChart(id, symbol, png) {
      await redis.set(keys.editionChart(id, symbol), png);
    },

    getChart: (id, symbol) => redis.getBuffer(keys.editionChart(id, symbol)),
  };
}
