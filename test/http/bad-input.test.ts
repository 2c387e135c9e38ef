// Every user mistake gets a clear 4xx (or a friendly page) and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokens } from '../../src/subscribers/tokens.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe('bad input', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ SIGNUP_LIMIT_PER_IP: '1000' }, { workers: false });
  });
  afterAll(async () => {
    await stack.close();
  });

  const post = (payload: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: payload as string, headers: { accept: 'application/json', ...headers } });

  const nothingStored = async () => {
    expect(await stack.ctx.subscribers.countsByStatus()).toEqual({ pending: 0, confirmed: 0, unsubscribed: 0, bounced: 0, complained: 0 });
    expect(await stack.ctx.queues['system-mail'].count()).toBe(0);
    expect(await stack.ctx.confirmOutbox.length()).toBe(0);
  };

  it.each([
    ['missing email', {}, 'email', /email is required/],
    ['invalid email', { email: 'not-an-address' }, 'email', /look like/],
    ['overlong email', { email: `${'a'.repeat(60)}@${'b'.repeat(250)}.com` }, 'email', /254/],
    ['header injection in email', { email: 'a@example.com\r\nBcc: x@example.com' }, 'email', /line breaks/],
    ['CR/LF in the name', { email: 'a@example.com', name: 'Ann\r\nBcc: x@example.com' }, 'name', /one line/],
    ['HTML in the name', { email: 'a@example.com', name: '<script>alert(1)</script>' }, 'name', /< or >/],
    ['overlong name', { email: 'a@example.com', name: 'n'.repeat(101) }, 'name', /100/],
    ['unknown topic', { email: 'a@example.com', topics: ['sports'] }, 'topics', /topics/],
    ['no topic', { email: 'a@example.com', topics: [] }, 'topics', /at least one/],
    ['invalid timezone', { email: 'a@example.com', timezone: 'Mars/Olympus' }, 'timezone', /IANA/],
    ['hour out of range', { email: 'a@example.com', sendHour: 24 }, 'sendHour', /0 to 23/],
    ['fractional hour', { email: 'a@example.com', sendHour: 7.5 }, 'sendHour', /whole hour/],
    ['wrong type', { email: 42 }, 'email', /./],
  ])('%s → 400 naming the field', async (_label, body, field, message) => {
    const res = await post(JSON.stringify(body));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_request', field });
    expect(res.json().message).toMatch(message);
    await nothingStored();
  });

  it('malformed JSON → 400', async () => {
    const res = await post('{"email": "a@example.com",');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_json' });
    await nothingStored();
  });

  it('a JSON array or string body → 400', async () => {
    expect((await post('["a@example.com"]')).statusCode).toBe(400);
    expect((await post('"a@example.com"')).statusCode).toBe(400);
    await nothingStored();
  });

  it('wrong content type → 415', async () => {
    const res = await post('email=a@example.com', { 'content-type': 'text/plain' });
    expect(res.statusCode).toBe(415);
    expect(res.json().message).toMatch(/Content-Type/);
    await nothingStored();
  });

  it('a 1 MB body → 413', async () => {
    const res = await post(JSON.stringify({ email: 'a@example.com', name: 'x'.repeat(1024 * 1024) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toMatch(/too large/);
    await nothingStored();
  });

  it('the honeypot answers 202 and stores nothing', async () => {
    const res = await post(JSON.stringify({ email: 'bot@example.com', website: 'http://spam.example' }));
    expect(res.statusCode).toBe(202);
    await nothingStored();
  });

  it('a form post without JavaScript gets an HTML page, also for errors', async () => {
    const bad = await stack.app.inject({
      method: 'POST', url: '/api/subscribe', payload: 'email=nope',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/text\/html/);
    expect(bad.body).toContain('email must look like name@example.com');
    await nothingStored();
  });

  describe('tokens', () => {
    const forged = createTokens('another-secret-key-of-sufficient-length!!').sign('unsubscribe', '000000000001', 0);

    it.each([
      ['GET', '/confirm/garbage'],
      ['POST', '/confirm/garbage'],
      ['GET', `/unsubscribe/${forged}`],
      ['POST', `/unsubscribe/${forged}`],
      ['GET', '/preferences/a.b'],
      ['POST', '/preferences/a.b'],
    ])('%s %s → 400 page, nothing changes', async (method, url) => {
      const res = await stack.app.inject({ method: method as 'GET' | 'POST', url, headers: { accept: 'text/html' } });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('This link is not valid or is no longer active.');
    });

    it('a confirm token cannot unsubscribe; a token for a deleted subscriber is refused', async () => {
      const { subscriber } = await stack.ctx.subscribers.create({
        email: 'tok@example.com', name: '', status: 'confirmed', topics: ['world'], timezone: 'UTC', sendHour: 7,
        weekdaysOnly: false, consent: { at: new Date().toISOString(), ip: '', userAgent: '', source: 'test' }, confirmedAt: null, unsubscribedAt: null,
      });
      const links = stack.ctx.subscriptions.links(subscriber);
      const confirmToken = new URL(links.confirm).pathname.split('/')[2];
      const wrong = await stack.app.inject({ method: 'POST', url: `/unsubscribe/${confirmToken}` });
      expect(wrong.statusCode).toBe(400);
      expect((await stack.ctx.subscribers.get(subscriber.id))!.status).toBe('confirmed');

      await stack.ctx.subscribers.remove(subscriber.id);
      const gone = await stack.app.inject({ method: 'POST', url: new URL(links.unsubscribe).pathname });
      expect(gone.statusCode).toBe(400);
    });

    it('an expired confirm link offers a fresh one', async () => {
      const { subscriber } = await stack.ctx.subscribers.create({
        email: 'late@example.com', name: '', status: 'pending', topics: ['world'], timezone: 'UTC', sendHour: 7,
        weekdaysOnly: false, consent: { at: new Date().toISOString(), ip: '', userAgent: '', source: 'test' }, confirmedAt: null, unsubscribedAt: null,
      });
      const expired = stack.ctx.tokens.sign('confirm', subscriber.id, 0, -10);
      const page = await stack.app.inject({ method: 'GET', url: `/confirm/${expired}` });
      expect(page.statusCode).toBe(410);
      expect(page.body).toContain('Send me a new link');
      const confirm = await stack.app.inject({ method: 'POST', url: `/confirm/${expired}` });
      expect(confirm.statusCode).toBe(410);
      expect((await stack.ctx.subscribers.get(subscriber.id))!.status).toBe('pending');
      const resend = await stack.app.inject({
        method: 'POST', url: '/confirm/resend', payload: `token=${expired}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(resend.statusCode).toBe(200);
      expect(await stack.ctx.confirmOutbox.length()).toBe(1);
      // The 24 h rule: asking again sends nothing more.
      await stack.app.inject({ method: 'POST', url: '/confirm/resend', payload: `token=${expired}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(await stack.ctx.confirmOutbox.length()).toBe(1);
    });
  });

  it('unknown pages get a friendly 404; pages carry a strict CSP', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/nope', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Page not found');
    const home = await stack.app.inject({ method: 'GET', url: '/' });
    expect(home.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'/);
    expect(home.headers['x-frame-options']).toBe('DENY');
    expect(home.body).not.toMatch(/<script>|style="/);
  });
});

describe('rate limits and CORS', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ SIGNUP_LIMIT_PER_IP: '3', SIGNUP_LIMIT_PER_ADDRESS: '2', ALLOWED_ORIGINS: 'https://news.example.com' }, { workers: false });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('limits signups per IP with 429 and Retry-After', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: `ip${i}@example.com` }, remoteAddress: '10.1.1.1' });
      codes.push(res.statusCode);
      if (res.statusCode === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(codes).toEqual([202, 202, 202, 429, 429]);
    const other = await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: 'other@example.com' }, remoteAddress: '10.1.1.2' });
    expect(other.statusCode).toBe(202);
  });

  it('limits one target address silently (same 202, nothing more happens)', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email: 'target@example.com' }, remoteAddress: `10.2.0.${i}` });
      expect(res.statusCode).toBe(202);
    }
    expect(await stack.ctx.subscribers.findByEmail('target@example.com')).not.toBeNull();
  });

  it('counts honeypot submissions against their IP too', async () => {
    const post = (email: string, extra: Record<string, string> = {}) =>
      stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: { email, ...extra }, remoteAddress: '10.3.0.1' });
    for (let i = 0; i < 3; i++) expect((await post(`bot${i}@example.com`, { website: 'http://spam.example' })).statusCode).toBe(202);
    expect((await post('person@example.com')).statusCode).toBe(429);
    expect(await stack.ctx.subscribers.findByEmail('bot0@example.com')).toBeNull();
  });

  it('answers CORS preflight only for allowed origins', async () => {
    const ok = await stack.app.inject({
      method: 'OPTIONS', url: '/api/subscribe',
      headers: { origin: 'https://news.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(ok.headers['access-control-allow-origin']).toBe('https://news.example.com');
    const evil = await stack.app.inject({
      method: 'OPTIONS', url: '/api/subscribe',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });
});
