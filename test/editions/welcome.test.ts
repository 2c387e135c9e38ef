// The welcome mail: strict MJML once per process, the reader's links and name filled in.
import { describe, expect, it } from 'vitest';
import * as cheerio from 'cheerio';
import { countingCompiler } from '../../src/editions/compile.js';
import { createWelcomeRenderer } from '../../src/mail/welcome.js';
import { describeChoices } from '../../src/subscribers/choices.js';

describe('welcome mail', () => {
  it('is compiled once and personalised per reader', async () => {
    const compile = countingCompiler();
    const render = createWelcomeRenderer({ brand: 'Market Digest', publicUrl: 'https://news.example.com/', postalAddress: '1 Example Street' }, compile);
    const weekly = { cadence: 'weekly', weeklyDay: 'fri', sendHour: 7, timezone: 'Europe/London', weekdaysOnly: false, watchlist: ['AAPL', '^GSPC'] } as const;
    const choices = describeChoices({ ...weekly, watchlist: [...weekly.watchlist] }, [{ symbol: 'AAPL', label: 'Apple' }, { symbol: '^GSPC', label: 'S&P 500' }]);
    expect(choices).toBe('Every Friday at 07:00 (Europe/London), the best of the week. Your watchlist: Apple, S&P 500; their prices come first and stories naming them are marked.');
    const values = { name: '<Ana>', preferencesUrl: 'https://news.example.com/preferences/P', unsubscribeUrl: 'https://news.example.com/unsubscribe/U', choices };
    const a = await render(values);
    const b = await render({ ...values, name: 'Bo', choices: describeChoices({ ...weekly, cadence: 'daily', weekdaysOnly: true, watchlist: [] }) });
    expect(compile.count).toBe(1);
    expect(a.subject).toBe('Welcome to Market Digest');
    const $ = cheerio.load(a.html);
    expect($('a:contains("Change topics, schedule or watchlist")').attr('href')).toBe(values.preferencesUrl);
    expect($.text()).toContain('Every Friday at 07:00 (Europe/London), the best of the week. Your watchlist: Apple, S&P 500;');
    expect(a.text).toContain('Every Friday at 07:00 (Europe/London)');
    expect(b.html).toContain('Every weekday at 07:00 (Europe/London).');
    expect($('a:contains("Unsubscribe")').attr('href')).toBe(values.unsubscribeUrl);
    expect($('a:contains("Read past editions")').attr('href')).toBe('https://news.example.com/archive');
    expect($('a:contains("View in browser")')).toHaveLength(0);
    expect($.text()).toContain('Hello <Ana>,');
    expect($.text()).toContain('1 Example Street');
    expect(a.text).toContain(`Unsubscribe: ${values.unsubscribeUrl}`);
    expect(a.text).toContain('Hello <Ana>,');
    expect(b.html).toContain('Hello Bo,');
    for (const part of [a.html, a.text]) expect(part).not.toMatch(/%%|\{\{/);
  });
});
