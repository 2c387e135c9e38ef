// The composition root: the one place that turns a Config into real parts.
// Each process (api, worker, scheduler, cli) builds one AppContext and passes
// pieces of it down; nothing below this file constructs its own dependencies.
import type { ConnectionOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import type { Config } from './config.js';
import { keyspace, queuePrefix, type Keyspace } from './keys.js';
import { createLogger, type Logger } from './log.js';
import { bullConnection, createRedis, closeRedis, type RedisClient, type RedisRole } from './redis.js';
import { QUEUE, type QueueName } from './queues/names.js';
import { createQueues, type Queues } from './queues/queues.js';
import { jobOptionsByQueue } from './jobs/worker.js';
import { createLedger, type Ledger } from './delivery/ledger.js';
import { createMailTransport } from './delivery/transport/create.js';
import { createEditionStore, type EditionStore } from './editions/store.js';
import { createStoryPool, type StoryPool } from './stories/pool.js';
import type { MailTransport } from './delivery/transport/mail-transport.js';
import { createConfirmOutbox, type ConfirmOutbox } from './subscribers/confirm-outbox.js';
import { createRateLimits, type RateLimits } from './subscribers/rate-limits.js';
import { createSubscriptions, type Subscriptions } from './subscribers/service.js';
import { createSubscriberStore, type SubscriberStore } from './subscribers/store.js';
import { systemMailQueue } from './mail/system-mail.js';
import { createTokens, type Tokens } from './subscribers/tokens.js';
import { watchOptions } from './stories/sources-schema.js';

export interface AppContext {
  readonly config: Config;
  readonly log: Logger;
  /** General-purpose connection for stores (commands, pipelines, Lua). */
  readonly redis: RedisClient;
  readonly keys: Keyspace;
  /** Connection for BullMQ Workers/Queues: options (each opens its own sockets), or one Cluster client they share. */
  readonly connection: ConnectionOptions;
  /** BullMQ's prefix for a queue (its own hash tag in a cluster: src/keys.ts). */
  queuePrefix(queue: QueueName): string;
  readonly queues: Queues;
  readonly tokens: Tokens;
  readonly subscribers: SubscriberStore;
  readonly subscriptions: Subscriptions;
  readonly rateLimits: RateLimits;
  /** Confirmations waiting for the system-mail queue; the process serving that queue drains it. */
  readonly confirmOutbox: ConfirmOutbox;
  /** Delivery outcomes per edition and reader (exactly once). */
  readonly ledger: Ledger;
  readonly editions: EditionStore;
  readonly stories: StoryPool;
  /** Created on first use: only processes that send mail open SMTP connections. */
  mailer(): MailTransport;
  /** Close everything; safe to call twice, finishes every step even if one fails. */
  close(): Promise<void>;
}

export interface ContextOptions {
  name: string;
  /** `request` for HTTP processes (fail fast); `command` (default) otherwise. */
  redisRole?: RedisRole;
}

export function createContext(config: Config, options: ContextOptions): AppContext {
  const log = createLogger(config.LOG_LEVEL, options.name);
  const redis = createRedis(config.redis, options.redisRole ?? 'command');
  redis.on('error', (err: Error) => log.warn({ event: 'redis.error', err: err.message }, 'redis connection error'));
  const keys = keyspace(config.KEY_PREFIX);
  const connection = bullConnection(config.redis);
  if (connection instanceof Cluster) connection.on('error', (err: Error) => log.warn({ event: 'redis.error', err: err.message }, 'queue cluster connection error'));
  const prefixOf = (queue: QueueName) => queuePrefix(config.KEY_PREFIX, queue, config.redis.kind === 'cluster');
  const queues = createQueues(connection, prefixOf, jobOptionsByQueue(), (err) =>
    log.warn({ event: 'queue.connection-error', err: err.message }, 'queue connection error'),
  );
  let mailer: MailTransport | undefined;
  let closed: Promise<void> | undefined;
  const tokens = createTokens(config.SECRET_KEY);
  const subscribers = createSubscriberStore({ redis, keys });
  const confirmOutbox = createConfirmOutbox({ redis, keys, queue: queues[QUEUE.systemMail], log });
  const subscriptions = createSubscriptions({
    store: subscribers,
    tokens,
    redis,
    keys,
    log,
    mail: systemMailQueue(queues[QUEUE.systemMail]),
    outbox: confirmOutbox,
    defaults: {
      timezone: config.DEFAULT_TIMEZONE,
      sendHour: config.DEFAULT_SEND_HOUR,
      publicUrl: config.PUBLIC_URL,
      topics: config.sources.topics.map((t) => t.id),
      watchOptions: watchOptions(config.sources),
    },
  });
  const rateLimits = createRateLimits(
    { redis, keys },
    { perIp: config.SIGNUP_LIMIT_PER_IP, windowSec: config.SIGNUP_LIMIT_WINDOW_SEC, perAddressPerDay: config.SIGNUP_LIMIT_PER_ADDRESS },
  );

  return {
    config,
    log,
    redis,
    keys,
    connection,
    queuePrefix: prefixOf,
    queues,
    tokens,
    subscribers,
    subscriptions,
    rateLimits,
    confirmOutbox,
    ledger: createLedger({ redis, keys }),
    editions: createEditionStore({ redis, keys }),
    stories: createStoryPool({ redis, keys }),
    mailer() {
      mailer ??= createMailTransport({
        smtpUrl: config.SMTP_URL,
        outboxDir: config.OUTBOX_DIR,
        poolSize: config.SMTP_POOL_SIZE,
        dkim: config.dkim,
      });
      return mailer;
    },
    close() {
      closed ??= (async () => {
        await Promise.allSettled([queues.close(), Promise.resolve(mailer?.close())]);
        await closeRedis(redis);
        if (connection instanceof Cluster) await closeRedis(connection);
      })();
      return closed;
    },
  };
}
