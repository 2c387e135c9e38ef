import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { purgeExpiredPending } from '../../src/processes/housekeeping.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe('purge of unconfirmed sign-ups', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({ PENDING_TTL_DAYS: '7' }, { workers: false });
  });
  afterEach(async () => {
    await stack.close();
  });

  it('deletes pending sign-ups older than PENDING_TTL_DAYS and nothing else', async () => {
    const make = (email: string, status: 'pending' | 'confirmed', daysAgo: number) =>
      stack.ctx.subscribers.create(
        {
          email, name: '', status, topics: ['world'], timezone: 'UTC', sendHour: 7, weekdaysOnly: false,
          consent: { at: new Date().toISOString(), ip: '', userAgent: '', source: 'test' }, confirmedAt: null, unsubscribedAt: null,
        },
        new Date(Date.now() - daysAgo * 86_400_000),
      );
    await make('old-pending@example.com', 'pending', 8);
    await make('new-pending@example.com', 'pending', 6);
    await make('old-confirmed@example.com', 'confirmed', 30);
    expect(await purgeExpiredPending(stack.ctx)).toBe(1);
    expect(await stack.ctx.subscribers.findByEmail('old-pending@example.com')).toBeNull();
    expect(await stack.ctx.subscribers.findByEmail('new-pending@example.com')).not.toBeNull();
    expect(await stack.ctx.subscribers.findByEmail('old-confirmed@example.com')).not.toBeNull();
    expect(await stack.ctx.subscribers.countsByStatus()).toMatchObject({ pending: 1, confirmed: 1 });
    // The address is free again: a later sign-up starts over.
    const res = await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: 'old-pending@example.com' } });
    expect(res.statusCode).toBe(202);
    expect(await stack.ctx.subscribers.findByEmail('old-pending@example.com')).toMatchObject({ status: 'pending' });
  });
});
