// The route groups beyond signup, wired from the context (archive, webhooks, operators).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

export function httpPlugins(_ctx: AppContext): ((app: FastifyInstance) => void | Promise<void>)[] {
  return [];
}
