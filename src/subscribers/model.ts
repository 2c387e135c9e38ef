// The subscriber record. Stored as a Redis hash by id; this schema is its type.
import { z } from 'zod';
import { TopicIdSchema } from '../topics.js';

export const STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'] as const;
export const StatusSchema = z.enum(STATUSES);
export type SubscriberStatus = z.infer<typeof StatusSchema>;

export const ConsentSchema = z.object({
  at: z.iso.datetime(),
  ip: z.string().max(64),
  userAgent: z.string().max(512),
  /** Where consent came from: `signup-page`, `api`, `import`, `import-confirmed`. */
  source: z.string().max(64),
});
export type Consent = z.infer<typeof ConsentSchema>;

export const SubscriberSchema = z.object({
  /** Zero-padded sequence number: lexicographic order equals creation order (keyset cursor). */
  id: z.string().regex(/^\d{12}$/),
  email: z.string(),
  name: z.string(),
  status: StatusSchema,
  /** Topic ids (the sources file's `topics`), sorted. */
  topics: z.array(TopicIdSchema).min(1),
  timezone: z.string(),
  sendHour: z.number().int().min(0).max(23),
  weekdaysOnly: z.boolean(),
  consent: ConsentSchema,
  /** Bumped to revoke every unsubscribe/preferences token issued before. */
  tokenVersion: z.number().int().min(0),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  confirmedAt: z.iso.datetime().nullable(),
  unsubscribedAt: z.iso.datetime().nullable(),
});
export type Subscriber = z.infer<typeof SubscriberSchema>;
