// bull-board over every queue at /admin/queues. It serves its own React UI with
// inline styles and a JSON data block, so its routes get their own CSP (set
// before the app-wide onSend hook, which only fills in a CSP when none is set).
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { ALL_QUEUES, type QueueName } from '../queues/names.js';

export const BULL_BOARD_PATH = '/admin/queues';

/** Scripts from self only; inline styles allowed (the UI needs them); no remote fonts (they would leak the operator's IP). */
export const BULL_BOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'";

export async function registerBullBoard(
  app: FastifyInstance,
  queues: Readonly<Record<QueueName, Queue>>,
  options: { readOnly: boolean; title: string },
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map((name) => new BullMQAdapter(queues[name], { readOnlyMode: options.readOnly })),
    serverAdapter,
    options: { uiConfig: { boardTitle: `${options.title} queues` } },
  });
  app.addHook('onRequest', async (_req, reply) => {
    reply.header('Content-Security-Policy', BULL_BOARD_CSP);
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
}
