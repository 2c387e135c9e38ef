// The answers nobody asks for on purpose: malformed and over-long URLs, oversized
// headers and bodies, slow clients, cross-origin callers. Every answer carries the
// security headers and none echoes the request; slow bodies are cut off; CORS answers
// on /api/subscribe only.
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/processes/api.js';
import { startStack, type Stack } from '../helpers/stack.js';

const SECURITY = {
  'content-security-policy': expect.stringContaining("default-src 'none'"),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

let stack: Stack;
let port: number;
beforeAll(async () => {
  stack = await startStack({ ALLOWED_ORIGINS: 'https://news.example' }, { workers: false });
  await stack.app.listen({ port: 0, host: '127.0.0.1' });
  port = (stack.app.server.address() as AddressInfo).port;
});
afterAll(async () => stack.close());

/** Write raw bytes, read until the server closes (or `ms` passes), return what came back. */
function raw(request: string | Buffer, ms = 5000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    const done = () => resolve(got);
    socket.on('data', (c) => (got += c.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
    socket.setTimeout(ms, () => socket.destroy());
    socket.write(request);
  });
}

function headersOf(response: string): Record<string, string> {
  const [head] = response.split('\r\n\r\n');
  return Object.fromEntries(head!.split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
}

describe('error answers', () => {
  it.each([
    ['malformed percent-encoding', '/confirm/%zzMARKER', 400],
    ['a bare %', '/MARKER%', 400],
    ['an over-long token', `/unsubscribe/MARKER${'a'.repeat(5000)}`, 414],
    ['an unknown page', '/MARKER<script>alert(1)</script>', 404],
  ])('%s: the usual headers, no echo', async (_label, url, status) => {
    for (const accept of ['text/html', 'application/json']) {
      const res = await stack.app.inject({ url, headers: { accept } });
      expect(res.statusCode).toBe(status);
      expect(res.headers).toMatchObject(SECURITY);
      expect(res.body).not.toContain('MARKER');
      expect(res.body).not.toContain('<script>alert');
    }
  });

  it.each([
    ['an over-large body', { 'content-type': 'application/json' }, `{"email":"MARKER${'a'.repeat(70_000)}"}`, 413],
    ['an unknown content type', { 'content-type': 'application/x-MARKER' }, 'x', 415],
    ['malformed JSON', { 'content-type': 'application/json' }, '{"MARKER', 400],
  ])('%s: the usual headers, no echo', async (_label, headers, payload, status) => {
    const res = await stack.app.inject({ method: 'POST', url: '/api/subscribe', headers: { accept: 'application/json', ...headers }, payload });
    expect(res.statusCode).toBe(status);
    expect(res.headers).toMatchObject(SECURITY);
    expect(res.body).not.toContain('MARKER');
  });

  it('answers what Node itself refuses (oversized headers, a broken request line) with the same headers', async () => {
    const big = await raw(`GET /MARKER HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(headersOf(big)).toMatchObject(SECURITY);
    const broken = await raw('GET /MARKER\u0001 HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(broken).toMatch(/^HTTP\/1\.1 400 /);
    expect(headersOf(broken)).toMatchObject(SECURITY);
    expect(big + broken).not.toContain('MARKER');
  });
});

describe('CORS', () => {
  const origin = 'https://news.example';
  it('answers the allowed origin on /api/subscribe, preflight included', async () => {
    const pre = await stack.app.inject({ method: 'OPTIONS', url: '/api/subscribe', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(origin);
    const post = await stack.app.inject({ method: 'POST', url: '/api/subscribe', headers: { origin, 'content-type': 'application/json' }, payload: { email: 'cors@example.com' } });
    expect(post.statusCode).toBe(202);
    expect(post.headers['access-control-allow-origin']).toBe(origin);
  });

  it.each(['/', '/metrics', '/healthz', '/preferences/abc', '/archive', '/confirm/abc'])('does not answer it on %s', async (url) => {
    const get = await stack.app.inject({ url, headers: { origin } });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await stack.app.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'POST' } });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
  });
});

describe('slow clients', () => {
  let slow: Stack;
  let slowPort: number;
  beforeAll(async () => {
    slow = await startStack({}, { workers: false });
    await slow.app.close();
    slow.app = await createHttpApp(slow.ctx, { timeouts: { requestMs: 1000, headersMs: 800, checkMs: 100 } });
    await slow.app.listen({ port: 0, host: '127.0.0.1' });
    slowPort = (slow.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => slow.close());

  function trickle(head: string, drip: string): Promise<{ closed: boolean; response: string }> {
    return new Promise((resolve) => {
      const socket = net.connect(slowPort, '127.0.0.1');
      let response = '';
      let sent = 0;
      socket.write(head);
      const timer = setInterval(() => {
        if (sent < drip.length) socket.write(drip[sent++]!);
      }, 150);
      socket.on('data', (c) => (response += c.toString()));
      // The test's own timeout is the bound; the assertion is only that the server hung up.
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ closed: true, response });
      });
    });
  }

  it('cuts off a body trickled one byte at a time', async () => {
    const { closed, response } = await trickle(
      'POST /api/subscribe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n',
      `{"email":"${'a'.repeat(480)}@example.com"}`,
    );
    expect(closed).toBe(true);
    expect(response).not.toMatch(/^HTTP\/1\.1 202/);
  }, 20_000);

  it('cuts off headers trickled one byte at a time', async () => {
    const { closed } = await trickle('GET / HTTP/1.1\r\n', `Host: x\r\nX-Slow: ${'s'.repeat(400)}\r\n\r\n`);
    expect(closed).toBe(true);
  }, 20_000);
});
