// What the operators' views read, declared here (the code that uses it) so the
// stores can change behind them. Each port is a slice of a real store; the
// composition root passes the stores themselves.
import type { Queue } from 'bullmq';
import type { RedisClient } from '../redis.js';
import type { EditionReport } from '../delivery/ledger.js';
import type { Edition } from '../editions/model.js';
import type { Keyspace } from '../keys.js';
import type { QueueName } from '../queues/names.js';
import type { MarketSnapshot } from '../stories/model.js';
import type { SourceHealth } from '../stories/report.js';
import type { SubscriberStatus } from '../subscribers/model.js';

export interface EditionsPort {
  /** Newest slot first. */
  list(options?: { limit?: number }): Promise<Edition[]>;
  get(id: string): Promise<Edition | null>;
}

export interface LedgerPort {
  report(editionId: string): Promise<EditionReport>;
}

export interface StoriesPort {
  getSourceHealth(): Promise<Record<string, SourceHealth>>;
  getMarketSnapshot(): Promise<MarketSnapshot | null>;
}

export interface SubscribersPort {
  countsByStatus(): Promise<Record<SubscriberStatus, number>>;
  suppressionCount(): Promise<number>;
}

export interface OpsPorts {
  redis: RedisClient;
  keys: Keyspace;
  queues: Readonly<Record<QueueName, Queue>>;
  editions: EditionsPort;
  ledger: LedgerPort;
  stories: StoriesPort;
  subscribers: SubscribersPort;
  /** Configured feeds (id → display name), so a source that never reported still shows. */
  sources: readonly { id: string; name: string }[];
}
