// The composition root: the one place that turns a Config into real parts.
// Each process (api, worker, scheduler, cli) builds one AppContext and passes
// pieces of it down; nothing below this file constructs its own dependencies.
import { Cluster } from 'ioredis';
import { replicaWaitOf, type Config } from './config.js';
import { keyspace, queuePrefix } from './keys.js';
import { createLogger } from './log.js';
import { bullConnection, createRedis, closeRedis, type RedisRole } from './redis.js';
import { QUEUE, type QueueName } from './queues/names.js';
import { createQueues } from './queues/queues.js';
import type { JobContext } from './jobs/job.js';
import { jobOptionsByQueue } from './jobs/worker.js';
import { createLedger } from './delivery/ledger.js';
import { createMailTransport } from './delivery/transport/create.js';
import { createEditionStore, type EditionStore } from './editions/store.js';
import { createStoryPool } from './stories/pool.js';
import type { MailTransport } from './delivery/transport/mail-transport.js';
import { createConfirmOutbox, type ConfirmOutbox } from './subscribers/confirm-outbox.js';
import { createRateLimits, type RateLimits } from './subscribers/rate-limits.js';
import { createSubscriptions, type Subscriptions } from './subscribers/service.js';
import { createSubscriberStore, type SubscriberStore } from './subscribers/store.js';
import { systemMailQueue } from './mail/system-mail.js';
import { createTokens, type Tokens } from './subscribers/tokens.js';
import { watchOptions } from './stories/sources-schema.js';

/** The job context (src/jobs/job.ts) and what the api, CLI and system mail need besides. */
export interface AppContext extends JobContext {
  readonly tokens: Tokens;
  readonly subscribers: SubscriberStore;
  readonly subscriptions: Subscriptions;
  readonly rateLimits: RateLimits;
  /** Confirmations waiting for the system-mail queue; the process serving that queue drains it. */
  readonly confirmOutbox: ConfirmOutbox;
  readonly editions: EditionStore;
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
    // A claim older than twice the job lock was outlived by its lock twice over: another run may write it off.
    ledger: createLedger({ redis, keys }, { claimStaleMs: 2 * config.JOB_LOCK_SEC * 1000, replicaWait: replicaWaitOf(config) }),
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
