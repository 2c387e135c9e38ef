// A real browser fills the signup page, with and without JavaScript.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe('signup page in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    stack = await startStack({}, { workers: false });
    base = await stack.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack.close();
  });

  it('with JavaScript: submits inline, shows the thank-you message, pre-fills the time zone', async () => {
    const context = await browser.newContext({ timezoneId: 'America/Chicago', viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${base}/`);
    await expect.poll(() => page.inputValue('#timezone')).toBe('America/Chicago');
    await page.getByLabel('Email address').fill('browser@example.com');
    await page.getByLabel('Name').fill('Grace');
    await page.getByLabel('World').uncheck();
    await page.getByLabel('Delivery hour').selectOption('6');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => page.textContent('#signup-status')).toBe('Thank you for subscribing — check your inbox to confirm.');
    expect(page.url()).toBe(`${base}/`); // stayed on the page
    const sub = await stack.ctx.subscribers.findByEmail('browser@example.com');
    expect(sub).toMatchObject({ status: 'pending', name: 'Grace', topics: ['markets'], timezone: 'America/Chicago', sendHour: 6 });
    // No horizontal overflow on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(errors).toEqual([]);

    await page.getByLabel('Email address').fill('broken');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => page.getAttribute('#signup-status', 'class')).toBe('notice err');
    expect(await page.textContent('#signup-status')).toContain('email must look like name@example.com');
    await context.close();
  });

  it('without JavaScript: the form posts and a result page says thank you', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('Email address').fill('nojs@example.com');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`${base}/api/subscribe`);
    expect(await page.textContent('main')).toContain('Thank you for subscribing — check your inbox to confirm.');
    expect(await stack.ctx.subscribers.findByEmail('nojs@example.com')).toMatchObject({
      status: 'pending', timezone: 'Europe/Berlin', topics: ['markets', 'world'], consent: { source: 'signup-page' },
    });
    await context.close();
  });

  it('every form field has a label', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input:not([type=hidden]), select')]
        .filter((el) => !(el as HTMLInputElement).labels?.length)
        .map((el) => el.id || el.getAttribute('name')),
    );
    expect(unlabelled).toEqual([]);
    await page.close();
  });
});
