// The story pool against real Redis: a group merged into another by a later run leaves the pool.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyspace } from '../../src/keys.js';
import { createStoryPool } from '../../src/stories/pool.js';
import { uniquePrefix } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';
import { asStory, labelledSet } from './labelled.js';

const prefix = uniquePrefix('pool');
const keys = keyspace(prefix);
let redis: Redis;

beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('story pool', () => {
  it('removes merged groups: their record and their place in the time index', async () => {
    const pool = createStoryPool({ redis, keys });
    const [a, b] = labelledSet().slice(0, 2).map(asStory) as [ReturnType<typeof asStory>, ReturnType<typeof asStory>];
    const now = new Date('2026-03-10T23:00:00Z');
    await pool.saveClusters([{ id: 'g-a', members: [a] }, { id: 'g-b', members: [b] }], now);
    await pool.saveClusters([{ id: 'g-a', members: [a, b] }], now);
    await pool.removeClusters(['g-b']);
    expect((await pool.loadGroups(new Date('2026-03-09T00:00:00Z'))).map((g) => [g.id, g.members.length])).toEqual([['g-a', 2]]);
    expect(await redis.exists(keys.storyCluster('g-b'))).toBe(0);
    expect(await redis.zscore(keys.clustersByTime(), 'g-b')).toBeNull();
    await pool.removeClusters([]);
  });
});
