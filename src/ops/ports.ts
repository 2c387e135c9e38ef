// What the operators' views read, declared here (the code that uses it) so the
// stores can change behind them. Each port is a slice of a real store; the
// composition root passes the stores themselves.
import type { RedisMemory } from '../redis.js';
import type { Queue } from 'bullmq';
import type { EditionReport } from '../delivery/ledger.js';
import type { OutcomeCounts } from '../delivery/message-totals.js';
import type { CancelledSlot } from '../delivery/schedule.js';
import type { Edition } from '../editions/model.js';
import type { QueueName } from '../queues/names.js';
import type { MarketSnapshot } from '../stories/model.js';
import type { SourceHealth } from '../stories/report.js';
import type { SubscriberStatus } from '../subscribers/model.js';
import type { DailyCounts } from '../subscribers/service.js';
import type { AliveInstance } from './heartbeat.js';

export interface EditionsPort {
  /** Newest slot first. */
  list(options?: { limit?: number }): Promise<Edition[]>;
  get(id: string): Promise<Edition | null>;
}

export interface LedgerPort {
  report(editionId: string): Promise<EditionReport>;
  /** Every message outcome so far, across editions (a monotonic counter). */
  totals(nowMs: number): Promise<OutcomeCounts>;
}

export interface StoriesPort {
  getSourceHealth(): Promise<Record<string, SourceHealth>>;
  getMarketSnapshot(): Promise<MarketSnapshot | null>;
}

export interface SubscribersPort {
  countsByStatus(): Promise<Record<SubscriberStatus, number>>;
  suppressionCount(): Promise<number>;
  /** Signups, confirmations and unsubscribes per UTC day (`YYYY-MM-DD`), in the order asked. */
  dailyCounts(days: readonly string[]): Promise<DailyCounts[]>;
}

export interface SchedulePort {
  cancelledSlots(sinceMs: number): Promise<CancelledSlot[]>;
  /** ms of the scheduler's last tick; null when it never ticked. */
  lastTick(): Promise<number | null>;
}

export interface OutboxPort {
  /** Confirmations waiting for the system-mail queue, and when the oldest was written (ms). */
  stats(): Promise<{ length: number; oldestAt: number | null }>;
}

export interface HeartbeatsPort {
  /** Instances whose heartbeat has not expired, by Redis's clock (a host's own may be off). */
  alive(): Promise<AliveInstance[]>;
}

/** Each port is a slice of the module that owns the data; ops holds no Redis handle or key names. */
export interface OpsPorts {
  /** Answers when Redis does (readiness). */
  ping(): Promise<unknown>;
  /** Redis memory against maxmemory (a full Redis refuses writes). */
  redisMemory(): Promise<RedisMemory>;
  /** The adaptive send rate every worker obeys; null until a worker has sent. */
  sendRate(): Promise<number | null>;
  queues: Readonly<Record<QueueName, Queue>>;
  editions: EditionsPort;
  ledger: LedgerPort;
  stories: StoriesPort;
  subscribers: SubscribersPort;
  schedule: SchedulePort;
  outbox: OutboxPort;
  heartbeats: HeartbeatsPort;
  /** Configured feeds (id → display name), so a source that never reported still shows. */
  sources: readonly { id: string; name: string }[];
}
