// subscribe → confirmation mail (both parts) → GET confirm shows a page without
// confirming → POST confirms → preferences change → RFC 8058 one-click unsubscribe.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkFrom, startStack, type Stack } from '../helpers/stack.js';

describe('signup → confirm → preferences → unsubscribe', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(async () => {
    await stack.close();
  });

  const subscribe = (body: Record<string, unknown>) =>
    stack.app.inject({ method: 'POST', url: '/api/subscribe', payload: body, headers: { accept: 'application/json' } });

  it('runs the whole double opt-in and leaves with one click', async () => {
    const res = await subscribe({ email: 'Reader@Example.com', name: 'Ada', topics: ['markets'], timezone: 'Asia/Kolkata', sendHour: 6 });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'accepted', message: 'Thank you for subscribing — check your inbox to confirm.' });

    const [mail] = await stack.smtp.waitFor(1);
    expect(mail!.envelopeTo).toEqual(['reader@example.com']);
    expect(mail!.parsed.subject).toBe('Please confirm your subscription');
    expect(mail!.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    // Nothing the requester typed: no name in To: or in the greeting.
    expect(mail!.parsed.text).toContain('Hello,');
    expect(mail!.raw.toString('utf8')).not.toContain('Ada');
    expect(mail!.parsed.headers.get('to')).toMatchObject({ value: [{ address: 'reader@example.com', name: '' }] });
    expect(mail!.parsed.html).toContain('Confirm my subscription');
    const confirmUrl = linkFrom(mail!.parsed.text!, 'http://localhost:3000/confirm/');
    expect(mail!.parsed.html).toContain(confirmUrl);
    const path = new URL(confirmUrl).pathname;

    const sub = await stack.ctx.subscribers.findByEmail('reader@example.com');
    expect(sub).toMatchObject({ status: 'pending', topics: ['markets'], timezone: 'Asia/Kolkata', sendHour: 6, name: 'Ada' });
    expect(sub!.consent).toMatchObject({ ip: '127.0.0.1', source: 'api' });

    // A link scanner fetching the GET must not confirm.
    const page = await stack.app.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<form method="post" action="${path}">`);
    expect((await stack.ctx.subscribers.get(sub!.id))!.status).toBe('pending');

    const confirm = await stack.app.inject({ method: 'POST', url: path });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('You are subscribed');
    expect((await stack.ctx.subscribers.get(sub!.id))!.status).toBe('confirmed');
    expect(await stack.ctx.subscribers.pageSlot('Asia/Kolkata', 6, null, 10)).toEqual([sub!.id]);
    // Idempotent.
    expect((await stack.app.inject({ method: 'POST', url: path })).statusCode).toBe(200);

    // The welcome mail follows confirmation, with working preference and unsubscribe links.
    const [, welcome] = await stack.smtp.waitFor(2);
    expect(welcome!.envelopeTo).toEqual(['reader@example.com']);
    expect(welcome!.parsed.text).toContain('Ada'); // the name, once the address's owner has confirmed
    expect(welcome!.parsed.text).toContain('http://localhost:3000/unsubscribe/');
    expect(welcome!.parsed.html).toContain('http://localhost:3000/preferences/');
    await new Promise((r) => setTimeout(r, 200));
    expect(stack.smtp.messages).toHaveLength(2); // one welcome, despite the second confirm

    const links = {
      preferences: linkFrom(welcome!.parsed.text!, 'http://localhost:3000/preferences/'),
      unsubscribe: linkFrom(welcome!.parsed.text!, 'http://localhost:3000/unsubscribe/'),
    };
    const prefsPath = new URL(links.preferences).pathname;
    const prefsPage = await stack.app.inject({ method: 'GET', url: prefsPath });
    expect(prefsPage.statusCode).toBe(200);
    expect(prefsPage.body).toContain('value="Asia/Kolkata"');
    const saved = await stack.app.inject({
      method: 'POST',
      url: prefsPath,
      payload: 'topics=markets&topics=world&timezone=America%2FNew_York&sendHour=8&weekdaysOnly=on&name=Ada+L',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('Your preferences are saved.');
    expect(await stack.ctx.subscribers.get(sub!.id)).toMatchObject({
      topics: ['markets', 'world'], timezone: 'America/New_York', sendHour: 8, weekdaysOnly: true, name: 'Ada L',
    });
    expect(await stack.ctx.subscribers.pageSlot('Asia/Kolkata', 6, null, 10)).toEqual([]);
    expect(await stack.ctx.subscribers.pageSlot('America/New_York', 8, null, 10)).toEqual([sub!.id]);

    // RFC 8058 one-click: POST with the body, no cookies, 200, no redirect.
    const unsubPath = new URL(links.unsubscribe).pathname;
    const unsubGet = await stack.app.inject({ method: 'GET', url: unsubPath });
    expect(unsubGet.body).toContain('<form method="post"');
    expect((await stack.ctx.subscribers.get(sub!.id))!.status).toBe('confirmed');
    const oneClick = await stack.app.inject({
      method: 'POST',
      url: unsubPath,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.statusCode).toBe(200);
    expect(oneClick.headers.location).toBeUndefined();
    expect((await stack.ctx.subscribers.get(sub!.id))!.status).toBe('unsubscribed');
    expect(await stack.ctx.subscribers.pageConfirmed(null, 10)).toEqual([]);
    // Twice is fine; multipart one-click too.
    const multipart = await stack.app.inject({
      method: 'POST',
      url: unsubPath,
      payload: '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expect(multipart.statusCode).toBe(200);
  });

  it('reads no signup text as template syntax: a name of {{x}} neither blocks the address nor reaches the mail', async () => {
    const res = await subscribe({ email: 'victim@example.com', name: '{{x}} {{confirm_url}} Click http://phish.example' });
    expect(res.statusCode).toBe(202);
    const [mail] = await stack.smtp.waitFor(1);
    expect(mail!.envelopeTo).toEqual(['victim@example.com']);
    const raw = mail!.raw.toString('utf8');
    expect(raw).not.toContain('{{');
    expect(raw).not.toContain('phish.example');
    const confirmUrl = linkFrom(mail!.parsed.text!, 'http://localhost:3000/confirm/');
    expect((await stack.app.inject({ method: 'POST', url: new URL(confirmUrl).pathname })).statusCode).toBe(200);
    expect((await stack.ctx.subscribers.findByEmail('victim@example.com'))!.status).toBe('confirmed');
    // After confirmation the name is used, as the text it is.
    const [, welcome] = await stack.smtp.waitFor(2);
    expect(welcome!.parsed.text).toContain('{{x}} {{confirm_url}}');
    expect(await stack.ctx.queues['system-mail'].getJobCounts('failed')).toEqual({ failed: 0 });
  });

  it('removes controls, bidi overrides and zero-width characters from names at signup', async () => {
    const res = await subscribe({ email: 'rlo@example.com', name: 'Ann\u202Egpj.exe\u202C \u200BLee\u0085\u0007\u009b' });
    expect(res.statusCode).toBe(202);
    expect((await stack.ctx.subscribers.findByEmail('rlo@example.com'))!.name).toBe('Anngpj.exe Lee');
  });

  it('records consent as the server saw it, whatever the body claims', async () => {
    const res = await subscribe({ email: 'claim@example.com', source: 'import-confirmed', status: 'confirmed', consent: { source: 'import-confirmed', ip: '1.2.3.4' }, ip: '1.2.3.4' });
    expect(res.statusCode).toBe(202);
    const sub = await stack.ctx.subscribers.findByEmail('claim@example.com');
    expect(sub).toMatchObject({ status: 'pending', consent: { source: 'api', ip: '127.0.0.1' } });
    const form = await stack.app.inject({
      method: 'POST', url: '/api/subscribe', payload: 'email=claim2%40example.com&source=import-confirmed',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(202);
    expect((await stack.ctx.subscribers.findByEmail('claim2@example.com'))!.consent.source).toBe('signup-page');
  });

  it('answers the same whatever the address state, and never downgrades a confirmed reader', async () => {
    const bodies: string[] = [];
    const ask = async (email: string) => {
      const res = await subscribe({ email });
      expect(res.statusCode).toBe(202);
      bodies.push(res.body);
    };
    await ask('new@example.com');
    await stack.smtp.waitFor(1);
    await ask('new@example.com'); // pending, within 24 h: no second mail
    const pending = await stack.ctx.subscribers.findByEmail('new@example.com');
    await stack.ctx.subscribers.setStatus(pending!.id, 'confirmed');
    await ask('new@example.com'); // confirmed
    await stack.ctx.subscribers.suppress('blocked@example.com', 'test');
    await ask('blocked@example.com'); // suppressed
    expect(new Set(bodies).size).toBe(1);
    expect((await stack.ctx.subscribers.findByEmail('new@example.com'))!.status).toBe('confirmed');
    expect(await stack.ctx.subscribers.findByEmail('blocked@example.com')).toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.smtp.messages).toHaveLength(1);
  });

  it('starts a fresh double opt-in for an unsubscribed reader and revokes the old links', async () => {
    await subscribe({ email: 'back@example.com' });
    await stack.smtp.waitFor(1);
    const sub = (await stack.ctx.subscribers.findByEmail('back@example.com'))!;
    await stack.ctx.subscribers.setStatus(sub.id, 'confirmed');
    const oldLinks = stack.ctx.subscriptions.links((await stack.ctx.subscribers.get(sub.id))!);
    await stack.ctx.subscriptions.unsubscribe(new URL(oldLinks.unsubscribe).pathname.split('/')[2]!);
    // The 24 h confirmation window would hold back the second mail; a real reader comes back later.
    await stack.ctx.redis.del(stack.ctx.keys.confirmMailSent((await import('../../src/subscribers/address.js')).emailHash('back@example.com')));
    await subscribe({ email: 'back@example.com', topics: ['world'] });
    await stack.smtp.waitFor(2);
    expect(await stack.ctx.subscribers.get(sub.id)).toMatchObject({ status: 'pending', topics: ['world'], tokenVersion: 1 });
    const stale = await stack.app.inject({ method: 'GET', url: new URL(oldLinks.preferences).pathname });
    expect(stale.statusCode).toBe(400);
  });

  it('keeps the confirmation mail when SMTP is down, and delivers it when SMTP is back', async () => {
    let down = true;
    stack.smtp.onData = () => (down ? { code: 421, message: 'try again later' } : undefined);
    await subscribe({ email: 'patient@example.com' });
    const queue = stack.ctx.queues['system-mail'];
    await expect.poll(async () => (await queue.getJobCounts('delayed')).delayed, { timeout: 10_000 }).toBe(1);
    down = false;
    const [job] = await queue.getJobs(['delayed']);
    await job!.promote();
    const [mail] = await stack.smtp.waitFor(1, 15_000);
    expect(mail!.envelopeTo).toEqual(['patient@example.com']);
  });

  it('does not retry a confirmation mail the relay refuses for good (550)', async () => {
    stack.smtp.onRcpt = () => ({ code: 550, message: '5.1.1 no such user' });
    await subscribe({ email: 'nobody@example.com' });
    const queue = stack.ctx.queues['system-mail'];
    await expect.poll(async () => (await queue.getJobCounts('failed')).failed, { timeout: 10_000 }).toBe(1);
    const [job] = await queue.getJobs(['failed']);
    expect(job!.attemptsMade).toBe(1);
    expect(job!.failedReason).toMatch(/recipient rejected with 550/);
  });
});
