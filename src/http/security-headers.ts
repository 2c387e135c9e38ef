// The headers every answer carries, errors included, and the answers fastify's router
// and Node's HTTP parser would otherwise write on their own (bad or over-long URLs,
// oversized headers, timeouts): same headers, a fixed message, never the request echoed.
import type { Socket } from 'node:net';
import type { FastifyReply } from 'fastify';

/** Strict by default; a route that serves rendered mail (archive) or bull-board sets its own. */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const FIXED = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
} as const;

export function applySecurityHeaders(reply: FastifyReply): void {
  if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', CSP);
  reply.headers(FIXED);
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
};

/** fastify `clientErrorHandler`: a request Node could not parse or that took too long. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, text] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'Bad Request'];
  const body = JSON.stringify({ error: text.toLowerCase().replace(/ /g, '_'), message: `${text}.` });
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'Content-Security-Policy': CSP, ...FIXED, Connection: 'close' };
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${text}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
