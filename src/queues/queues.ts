// Producers: one Queue object per registry name, sharing one connection.
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { QUEUE, type QueueName } from './names.js';

const DAY = 86_400;

/** Retention keeps deterministic job ids meaningful (a removed id could be re-added). */
const DEFAULTS: Record<QueueName, DefaultJobOptions> = {
  [QUEUE.ingest]: { attempts: 2, backoff: { type: 'fixed', delay: 30_000 }, removeOnComplete: { age: 2 * DAY, count: 500 }, removeOnFail: { age: 7 * DAY } },
  [QUEUE.edition]: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: { age: 7 * DAY }, removeOnFail: { age: 14 * DAY } },
  [QUEUE.fanout]: { attempts: 10, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: 7 * DAY }, removeOnFail: { age: 14 * DAY } },
  [QUEUE.send]: { attempts: 8, backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 }, removeOnComplete: { age: 3 * DAY }, removeOnFail: { age: 14 * DAY } },
  [QUEUE.systemMail]: { attempts: 12, backoff: { type: 'exponential', delay: 5_000, jitter: 0.3 }, removeOnComplete: { age: 2 * DAY }, removeOnFail: { age: 14 * DAY } },
};

export type Queues = Record<QueueName, Queue> & { close(): Promise<void> };

/** `prefix`: BullMQ's prefix per queue (KEY_PREFIX, or a hash tag of its own in a cluster). */
export function createQueues(connection: ConnectionOptions, prefix: (queue: QueueName) => string, onError: (err: Error) => void = () => {}): Queues {
  const make = (name: QueueName) => {
    const queue = new Queue(name, { connection, prefix: prefix(name), defaultJobOptions: DEFAULTS[name] });
    queue.on('error', onError); // connection errors surface on the calls that fail; do not crash
    return queue;
  };
  const queues = {
    [QUEUE.ingest]: make(QUEUE.ingest),
    [QUEUE.edition]: make(QUEUE.edition),
    [QUEUE.fanout]: make(QUEUE.fanout),
    [QUEUE.send]: make(QUEUE.send),
    [QUEUE.systemMail]: make(QUEUE.systemMail),
  } as Record<QueueName, Queue>;
  return Object.assign(queues, {
    async close() {
      await Promise.allSettled(Object.values(queues).map((q) => q.close()));
    },
  });
}
