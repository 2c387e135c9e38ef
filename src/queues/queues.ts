// Producers: one Queue object per registry name, sharing one connection.
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { ALL_QUEUES, type QueueName } from './names.js';

export type Queues = Record<QueueName, Queue> & { close(): Promise<void> };

/**
 * `prefix`: BullMQ's prefix per queue (KEY_PREFIX, or a hash tag of its own in a cluster: src/keys.ts).
 * `jobOptions`: what each queue adds its jobs with (the job definitions in src/jobs/).
 */
export function createQueues(
  connection: ConnectionOptions,
  prefix: (queue: QueueName) => string,
  jobOptions: Record<QueueName, DefaultJobOptions>,
  onError: (err: Error) => void = () => {},
): Queues {
  const make = (name: QueueName) => {
    const queue = new Queue(name, { connection, prefix: prefix(name), defaultJobOptions: jobOptions[name] });
    queue.on('error', onError); // connection errors surface on the calls that fail; do not crash
    return queue;
  };
  const queues = Object.fromEntries(ALL_QUEUES.map((name) => [name, make(name)])) as Record<QueueName, Queue>;
  const all = Object.values(queues);
  let closing: Promise<void> | undefined;
  return Object.assign(queues, {
    /** Closes every queue (each even if another fails); safe to call twice. */
    close() {
      closing ??= Promise.allSettled(all.map((q) => q.close())).then(() => undefined);
      return closing;
    },
  });
}
