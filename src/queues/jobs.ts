// Job payload schemas: ids only, never fat payloads. Workers parse job.data with these.
import { z } from 'zod';

export const IngestJobSchema = z.object({
  /** The period this run belongs to (e.g. 2026-11-24T10:15Z); one job per period. */
  period: z.string().min(1),
});
export type IngestJob = z.infer<typeof IngestJobSchema>;

export const EditionJobSchema = z.object({
  /** UTC slot start, ISO hour: 2026-11-24T07:00:00.000Z */
  slot: z.iso.datetime(),
  /** `scheduled`: daily readers due in this slot; `weekly`: weekly readers due in it; `now`: every confirmed reader (operator's send now). */
  mode: z.enum(['scheduled', 'now', 'weekly']).default('scheduled'),
});
export type EditionJob = z.infer<typeof EditionJobSchema>;

export const FanoutJobSchema = z.object({ editionId: z.string().min(1) });
export type FanoutJob = z.infer<typeof FanoutJobSchema>;

/**
 * A page of readers (SEND_PAGE_SIZE, one reader when it is retried on its own). A job of the
 * earlier shape, one `subscriberId`, is read as a page of one (jobs queued before an upgrade).
 */
export const SendJobSchema = z
  .union([
    z.object({ editionId: z.string().min(1), subscriberIds: z.array(z.string().min(1)).min(1).max(1000) }),
    z.object({ editionId: z.string().min(1), subscriberId: z.string().min(1) }),
  ])
  .transform((j) => ('subscriberIds' in j ? j : { editionId: j.editionId, subscriberIds: [j.subscriberId] }));
export type SendJob = z.input<typeof SendJobSchema>;

export const SystemMailJobSchema = z.object({
  kind: z.enum(['confirm', 'welcome']),
  subscriberId: z.string().min(1),
});
export type SystemMailJob = z.infer<typeof SystemMailJobSchema>;

/** BullMQ job ids may not contain ':'; keep every custom id in one shape. */
export function jobId(...parts: string[]): string {
  return parts.map((p) => p.replace(/[:\s]/g, '_')).join('-');
}
