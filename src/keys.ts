// Every Redis key the service owns, in one place, under one prefix (KEY_PREFIX).
// The prefix is also BullMQ's queue prefix; wrap it in {braces} to pin a cluster slot.
export function keyspace(prefix: string) {
  const k = (...parts: (string | number)[]) => [prefix, ...parts].join(':');
  return {
    prefix,
    // subscribers
    subscriber: (id: string) => k('sub', id),
    subscriberByEmail: () => k('sub', 'by-email'),
    subscriberSeq: () => k('sub', 'seq'),
    subscribersConfirmed: () => k('sub', 'confirmed'),
    subscribersBySlot: (timezone: string, hour: number) => k('sub', 'slot', timezone, hour),
    slotIndex: () => k('sub', 'slots'),
    subscribersPending: () => k('sub', 'pending'),
    subscriberStatusCount: () => k('sub', 'status-count'),
    suppression: () => k('suppressed'),
    confirmMailSent: (emailHash: string) => k('confirm-sent', emailHash),
    rateLimit: (name: string) => k('rl', name),
    dailyCounter: (name: string, day: string) => k('daily', name, day),
    // stories
    story: (id: string) => k('story', id),
    storiesByTime: () => k('stories', 'by-time'),
    sourceHealth: () => k('source-health'),
    feedCache: (sourceId: string) => k('feed-cache', sourceId),
    marketSnapshot: () => k('market', 'snapshot'),
    // editions
    edition: (id: string) => k('edition', id),
    editionIndex: () => k('editions'),
    editionVariant: (id: string, variant: string) => k('edition', id, 'variant', variant),
    editionCursor: (id: string) => k('edition', id, 'cursor'),
    editionCounters: (id: string) => k('edition', id, 'counters'),
    lastEditionFor: () => k('sub', 'last-edition'),
    // delivery
    ledger: (editionId: string) => k('ledger', editionId),
    slotClaim: (slot: string) => k('slot-claim', slot),
    // ops
    heartbeat: (role: string, id: string) => k('heartbeat', role, id),
    heartbeats: () => k('heartbeats'),
  };
}

export type Keyspace = ReturnType<typeof keyspace>;
