// WORKER_QUEUES: a worker process starts BullMQ workers for the listed queues only.
import { describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { startWorkers } from '../../src/processes/worker.js';
import { testConfig } from '../helpers/env.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';

describe('WORKER_QUEUES', () => {
  it('serves only the listed queues', async () => {
    const config = testConfig({ WORKER_QUEUES: 'send' });
    const ctx = createContext(config, { name: 'test' });
    const running = await startWorkers(ctx);
    try {
      expect(running.workers.map((w) => w.name)).toEqual(['send']);
    } finally {
      await running.close();
      await ctx.close();
      const redis = testRedis();
      await dropPrefix(redis, config.KEY_PREFIX);
      redis.disconnect();
    }
  });
});
