// TRUST_PROXY: behind an appending proxy the client is the right-most untrusted
// address, whatever it writes into X-Forwarded-For itself; IPv6 clients are limited per /64.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/config.js';
import { limitSubject } from '../../src/subscribers/rate-limits.js';
import { TEST_SECRET } from '../helpers/env.js';
import { startStack, type Stack } from '../helpers/stack.js';

const ADMIN_PASSWORD = 'correct horse battery';
let stack: Stack | undefined;
let proxy: http.Server | undefined;
afterEach(async () => {
  await new Promise((r) => (proxy ? proxy.close(r) : r(null)));
  proxy = undefined;
  await stack?.close();
  stack = undefined;
});

/** nginx's default: append the peer's address to whatever X-Forwarded-For the client sent. */
async function startAppendingProxy(upstreamPort: number): Promise<number> {
  proxy = http.createServer((req, res) => {
    const forwarded = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const up = http.request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': forwarded } },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', r));
  return (proxy.address() as AddressInfo).port;
}

function send(port: number, o: { path: string; method?: string; body?: string; headers?: Record<string, string>; from?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: o.path, method: o.method ?? 'GET', headers: o.headers, localAddress: o.from ?? '127.0.0.1', agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

async function behindProxy(env: Record<string, string>): Promise<number> {
  stack = await startStack({ TRUST_PROXY: '1', ADMIN_PASSWORD, ...env }, { workers: false });
  await stack.app.listen({ port: 0, host: '127.0.0.1' });
  return startAppendingProxy((stack.app.server.address() as AddressInfo).port);
}

const signup = (i: number, forged: string, from?: string) => ({
  path: '/api/subscribe',
  method: 'POST',
  body: JSON.stringify({ email: `p${i}@example.com` }),
  headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': forged },
  ...(from ? { from } : {}),
});

describe('TRUST_PROXY', () => {
  it('parses false, a hop count (true = 1) or a list of proxy addresses/CIDRs, and names itself when wrong', () => {
    const parse = (v: string) => parseEnv({ SECRET_KEY: TEST_SECRET, TRUST_PROXY: v }).TRUST_PROXY;
    expect(parseEnv({ SECRET_KEY: TEST_SECRET }).TRUST_PROXY).toBe(false);
    expect(parse('false')).toBe(false);
    expect(parse('true')).toBe(1);
    expect(parse('2')).toBe(2);
    expect(parse('10.0.0.0/8, 192.168.1.7,fd00::/8')).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    expect(() => parse('10.0.0.0/8,proxy.internal')).toThrow(ConfigError);
    expect(() => parse('10.0.0.0/8,proxy.internal')).toThrow(/^TRUST_PROXY: .*"proxy\.internal"/);
  });

  it('behind an appending proxy, a client cannot pick its IP: signups hit the per-IP limit', async () => {
    const port = await behindProxy({ SIGNUP_LIMIT_PER_IP: '5' });
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push(await send(port, signup(i, `203.0.113.${i}`)));
    expect(codes).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
    // Another client behind the same proxy has its own window.
    expect(await send(port, signup(99, '203.0.113.1', '127.0.0.2'))).toBe(202);
  });

  it('behind an appending proxy, wrong admin passwords lock the client out whatever it forges', async () => {
    const port = await behindProxy({});
    const wrong = `Basic ${Buffer.from('admin:wrong').toString('base64')}`;
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push(await send(port, { path: '/admin', headers: { authorization: wrong, 'x-forwarded-for': `198.51.100.${i}` } }));
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes.slice(10)).toEqual([429, 429]);
    const right = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
    expect(await send(port, { path: '/admin', headers: { authorization: right }, from: '127.0.0.3' })).toBe(200);
  });

  it('with a list, the client is the right-most address not in it', async () => {
    stack = await startStack({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }, { workers: false });
    const res = await stack.app.inject({
      method: 'POST', url: '/api/subscribe', remoteAddress: '10.1.1.1',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.0.0.9' },
      payload: JSON.stringify({ email: 'chain@example.com' }),
    });
    expect(res.statusCode).toBe(202);
    expect((await stack.ctx.subscribers.findByEmail('chain@example.com'))!.consent.ip).toBe('198.51.100.7');
  });

  it('without TRUST_PROXY, X-Forwarded-For is ignored', async () => {
    stack = await startStack({}, { workers: false });
    await stack.app.inject({
      method: 'POST', url: '/api/subscribe', remoteAddress: '192.0.2.10',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '6.6.6.6' },
      payload: JSON.stringify({ email: 'direct@example.com' }),
    });
    expect((await stack.ctx.subscribers.findByEmail('direct@example.com'))!.consent.ip).toBe('192.0.2.10');
  });
});

describe('IPv6 clients', () => {
  it('are counted per /64', async () => {
    expect(limitSubject('2001:db8:1:2:aaaa::1')).toBe(limitSubject('2001:db8:1:2:ffff:1:2:3'));
    expect(limitSubject('2001:db8:1:2::1')).not.toBe(limitSubject('2001:db8:1:3::1'));
    expect(limitSubject('::ffff:192.0.2.1')).toBe('192.0.2.1');
    stack = await startStack({ SIGNUP_LIMIT_PER_IP: '3' }, { workers: false });
    const post = (i: number, remoteAddress: string) =>
      stack!.app.inject({ method: 'POST', url: '/api/subscribe', remoteAddress, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: `v6-${i}@example.com` }) });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await post(i, `2001:db8:1:2::${(i + 1).toString(16)}`)).statusCode);
    expect(codes).toEqual([202, 202, 202, 429, 429]);
    expect((await post(9, '2001:db8:1:3::1')).statusCode).toBe(202);
  });
});
