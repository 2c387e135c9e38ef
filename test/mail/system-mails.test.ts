// The welcome and confirmation mails: the digest's partials and brand, strict MJML once
// per process, the reader's values filled in once (never read as template syntax).
import { describe, expect, it } from 'vitest';
import * as cheerio from 'cheerio';
import { countingCompiler } from '../../src/editions/compile.js';
import { createConfirmRenderer } from '../../src/mail/confirm.js';
import { createWelcomeRenderer } from '../../src/mail/welcome.js';
import { DEFAULT_TOPICS, TopicSchema } from '../../src/topics.js';
import { describeChoices } from '../../src/subscribers/choices.js';

const SETTINGS = {
  brand: { name: 'Acme Ticker', url: 'https://acme.example/', color: '#aa3300', logoUrl: 'https://acme.example/logo.png' },
  publicUrl: 'https://news.example.com',
  postalAddress: '1 Example Street',
  topics: [...DEFAULT_TOPICS, TopicSchema.parse({ id: 'crypto', label: 'Crypto' })],
};

describe('welcome mail', () => {
  it('is compiled once and personalised per reader, with the brand and the topics on offer', async () => {
    const compile = countingCompiler();
    const render = createWelcomeRenderer(SETTINGS, compile);
    const weekly = { cadence: 'weekly', weeklyDay: 'fri', sendHour: 7, timezone: 'Europe/London', weekdaysOnly: false } as const;
    const choices = describeChoices({ ...weekly, watchlist: ['AAPL', '^GSPC'] }, [{ symbol: 'AAPL', label: 'Apple' }, { symbol: '^GSPC', label: 'S&P 500' }]);
    expect(choices).toBe('Every Friday at 07:00 (Europe/London), the best of the week. Your watchlist: Apple, S&P 500; their prices come first and stories naming them are marked.');
    const values = { name: '<Ana> {{ footer }}', preferencesUrl: 'https://news.example.com/preferences/P', unsubscribeUrl: 'https://news.example.com/unsubscribe/U', choices };
    const a = await render(values);
    const b = await render({ ...values, name: 'Bo', choices: describeChoices({ ...weekly, cadence: 'daily', weekdaysOnly: true, watchlist: [] }) });
    expect(compile.count).toBe(1);
    expect(a.subject).toBe('Welcome to Acme Ticker');
    const $ = cheerio.load(a.html);
    expect($('a:contains("Change topics, schedule or watchlist")').attr('href')).toBe(values.preferencesUrl);
    expect($.text()).toContain('Every Friday at 07:00 (Europe/London), the best of the week. Your watchlist: Apple, S&P 500;');
    expect(a.text).toContain('Every Friday at 07:00 (Europe/London)');
    expect(b.html).toContain('Every weekday at 07:00 (Europe/London).');
    expect($('a:contains("Unsubscribe")').attr('href')).toBe(values.unsubscribeUrl);
    expect($('a:contains("Read past editions")').attr('href')).toBe('https://news.example.com/archive');
    expect($('a:contains("Acme Ticker")').attr('href')).toBe('https://acme.example/');
    expect($('img[src="https://acme.example/logo.png"]')).toHaveLength(1);
    expect(a.html).toContain('#aa3300');
    expect($('a:contains("View in browser")')).toHaveLength(0);
    expect($.text()).toContain('Hello <Ana> {{ footer }},');
    expect($.text()).toContain('Markets, World and Crypto');
    expect($.text()).toContain('1 Example Street');
    expect(a.text).toContain(`Unsubscribe: ${values.unsubscribeUrl}`);
    expect(a.text).toContain('Hello <Ana> {{ footer }},');
    expect(a.text).toContain('Markets, World and Crypto');
    expect(b.html).toContain('Hello Bo,');
    for (const part of [b.html, b.text]) expect(part).not.toMatch(/%%|\{\{/);
  });
});

describe('confirmation mail', () => {
  it('has the brand, the shared header and footer, the link, and nothing the requester chose', async () => {
    const compile = countingCompiler();
    const render = createConfirmRenderer(SETTINGS, compile);
    const confirmUrl = 'https://news.example.com/confirm/T0K?a=1&b=2';
    const m = await render({ confirmUrl });
    await render({ confirmUrl: 'https://news.example.com/confirm/OTHER' });
    expect(compile.count).toBe(1);
    expect(m.subject).toBe('Please confirm your subscription');
    const $ = cheerio.load(m.html);
    expect($('a:contains("Confirm my subscription")').attr('href')).toBe(confirmUrl);
    expect($('a:contains("Acme Ticker")').attr('href')).toBe('https://acme.example/');
    expect(m.html).toContain('#aa3300');
    expect($.text()).toContain('Hello,');
    expect($.text()).toContain('1 Example Street');
    expect($('a:contains("Unsubscribe")')).toHaveLength(0); // a pending address has no reader links yet
    expect(m.text).toContain(confirmUrl);
    expect(m.text).toContain('Acme Ticker');
    for (const part of [m.html, m.text]) expect(part).not.toMatch(/%%|\{\{/);
  });

  it('refuses a link that is not http(s)', async () => {
    const render = createConfirmRenderer(SETTINGS, countingCompiler());
    await expect(render({ confirmUrl: 'javascript:alert(1)' })).rejects.toThrow(/confirmUrl/);
  });
});
