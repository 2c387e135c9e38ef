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
    subscribersAll: () => k('sub', 'all'),
    subscribersBySlot: (timezone: string, hour: number) => k('sub', 'slot', timezone, hour),
    /** Weekly readers: a zset per (timezone, hour, day), apart from the daily ones. */
    subscribersByWeeklySlot: (timezone: string, hour: number, day: string) => k('sub', 'slot', timezone, hour, day),
    /**
     * The subscriber store's Lua script appends `${timezone}:${hour}` (daily) or
     * `${timezone}:${hour}:${day}` (weekly) to this (keep in step with the two above).
     */
    slotKeyPrefix: () => k('sub', 'slot', ''),
    slotIndex: () => k('sub', 'slots'),
    subscribersPending: () => k('sub', 'pending'),
    subscriberStatusCount: () => k('sub', 'status-count'),
    suppression: () => k('suppressed'),
    suppressionInfo: () => k('suppressed', 'info'),
    confirmMailSent: (emailHash: string) => k('confirm-sent', emailHash),
    /** list: `<subscriber id>:<ms>` confirmations waiting to become system-mail jobs (subscribers/confirm-outbox.ts). */
    confirmOutbox: () => k('confirm-outbox'),
    confirmOutboxLock: () => k('confirm-outbox', 'lock'),
    /** The signup script's scratch copies (subscribers/lua/signup-body.lua): one small key of each kind. */
    signupPad: (kind: string) => k('signup-pad', kind),
    rateLimit: (name: string) => k('rl', name),
    dailyCounter: (name: string, day: string) => k('daily', name, day),
    // stories
    /** One cluster (its member stories as JSON), expiring 8 days after its last change (weekly editions look back 7). */
    storyCluster: (id: string) => k('cluster', id),
    /** zset: cluster id → newest member's published time (ms). */
    clustersByTime: () => k('clusters', 'by-time'),
    /** hash: source id → health JSON. */
    sourceHealth: () => k('source-health'),
    /** hash: etag / lastModified of the last 200 (conditional GET). */
    feedCache: (sourceId: string) => k('feed-cache', sourceId),
    /** hash: story id → ms it was first seen, for a source's stories whose feed gives no readable date. */
    firstSeen: (sourceId: string) => k('first-seen', sourceId),
    marketSnapshot: () => k('market', 'snapshot'),
    ingestLock: () => k('ingest', 'lock'),
    // editions
    edition: (id: string) => k('edition', id),
    editionIndex: () => k('editions'),
    editionVariant: (id: string, variant: string) => k('edition', id, 'variant', variant),
    editionCursor: (id: string) => k('edition', id, 'cursor'),
    /** PNG bytes of one symbol's sparkline for one edition (editions/sparkline.ts). */
    editionChart: (id: string, symbol: string) => k('edition', id, 'chart', symbol),
    editionCounters: (id: string) => k('edition', id, 'counters'),
    lastEditionFor: () => k('sub', 'last-edition'),
    // delivery
    ledger: (editionId: string) => k('ledger', editionId),
    /** Delivery counters and state of one edition (queued, sent, …, paused reason). */
    ledgerMeta: (editionId: string) => k('ledger', editionId, 'meta'),
    /** hash: subscriber → `<token>|<ms>` of the run holding its claim (ledger.ts). */
    ledgerClaims: (editionId: string) => k('ledger', editionId, 'claims'),
    /** hash: the adaptive send rate shared by every worker (delivery/adaptive-rate.ts). */
    sendRate: () => k('send', 'rate'),
    slotClaim: (slot: string) => k('slot-claim', slot),
    slotsCancelled: () => k('slots', 'cancelled'),
    schedulerLastTick: () => k('scheduler', 'last-tick'),
    // ops
    heartbeat: (role: string, id: string) => k('heartbeat', role, id),
    heartbeats: () => k('heartbeats'),
    /** hash: message outcome totals of editions folded out of the per-edition sum, plus `upTo` (slot ms). */
    messageTotals: () => k('ops', 'message-totals'),
  };
}

export type Keyspace = ReturnType<typeof keyspace>;

/**
 * BullMQ's prefix for one queue. On one server (or Sentinel) every queue shares KEY_PREFIX. In a
 * cluster each queue gets its own hash tag, `{md}` → `{md.send}`, so each queue's keys sit in one
 * slot (BullMQ's scripts need that) and different queues, and the app's own keys, spread over the
 * masters. No script of ours touches a queue's keys and the app's keys together.
 */
export function queuePrefix(keyPrefix: string, queue: string, clustered: boolean): string {
  return clustered ? keyPrefix.replace(/\{([^{}]+)\}/, (_, tag: string) => `{${tag}.${queue}}`) : keyPrefix;
}
