// The queue registry. Renaming a queue orphans its jobs in Redis: do not rename
// without a migration that drains the old one.
export const QUEUE = {
  ingest: 'ingest',
  edition: 'edition',
  fanout: 'fanout',
  send: 'send',
  systemMail: 'system-mail',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];
export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUE);
