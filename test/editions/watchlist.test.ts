// Watchlists: the reader's instruments lead the market table, stories naming them lead
// their section marked "On your watchlist"; one compile per variant whatever the readers.
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { countingCompiler } from '../../src/editions/compile.js';
import { personalise } from '../../src/editions/personalise.js';
import { renderVariant, type RenderSettings } from '../../src/editions/render.js';
import { symbolsNamed } from '../../src/editions/watchlist.js';
import { MARKET, READER, SETTINGS, SLOT, cluster } from './fixtures.js';

const WATCH: RenderSettings = {
  ...SETTINGS,
  watchNames: [
    { symbol: '^IXIC', names: ['Nasdaq', 'NDX'] },
    { symbol: 'EURUSD=X', names: ['euro'] },
    { symbol: '^GSPC', names: ['S&P 500'] },
    { symbol: '^N225', names: [] },
  ],
};

const clusters = [
  cluster(0, 'markets'),
  cluster(1, 'markets', { title: 'Chip makers drag the Nasdaq lower' }),
  cluster(2, 'markets'),
  cluster(3, 'markets', { summary: 'The euro rose against the dollar after the data.' }),
  cluster(0, 'world'),
  cluster(1, 'world', { title: 'Summit talks on energy prices' }),
  cluster(2, 'world', { title: 'Leaders meet as the euro zone weighs a deal' }),
];

async function variant(compile = countingCompiler()) {
  return { v: await renderVariant({ id: 'e20261124T0700', slot: SLOT, token: 'a1b2c3d4e5f6', clusters, market: MARKET }, 'markets+world', WATCH, compile), compile };
}

/** Market labels in table order, and story headlines per section, from the mail's HTML. */
function read(htmlText: string) {
  const $ = cheerio.load(htmlText);
  const labels = MARKET.quotes.map((q) => q.label);
  const rows = $('td')
    .filter((_, el) => $(el).find('td').length === 0 && labels.some((l) => $(el).text().startsWith(l)))
    .map((_, el) => labels.find((l) => $(el).text().startsWith(l)))
    .get();
  const stories = $('a[href^="https://example.com/"]').filter((_, a) => $(a).text().trim() !== '').map((_, a) => ({ title: $(a).text(), section: $(a).attr('href')!.split('/')[3] })).get();
  const marked = $('span:contains("On your watchlist")').map((_, s) => $(s).parent().find('a').first().text()).get();
  return { rows, stories, marked };
}

describe('watchlist matching', () => {
  it('finds names as whole words, as the operator wrote them', () => {
    expect(symbolsNamed('Chip makers drag the Nasdaq lower', WATCH.watchNames!)).toEqual(['^IXIC']);
    expect(symbolsNamed('The S&P 500 and the euro', WATCH.watchNames!)).toEqual(['EURUSD=X', '^GSPC']);
    expect(symbolsNamed('Nasdaqs, europe and NDXY are other words', WATCH.watchNames!)).toEqual([]);
  });
});

describe('watchlist arrangement', () => {
  it('without a watchlist, the mail is the edition as ranked, with no marks and no cut marks left', async () => {
    const { v } = await variant();
    const mail = personalise(v, READER);
    const { rows, stories, marked } = read(mail.html);
    expect(rows).toEqual(['S&P 500', 'Nasdaq', 'FTSE 100', 'EUR/USD', 'Nikkei 225']);
    expect(stories.filter((s) => s.section === 'markets').map((s) => s.title)[1]).toBe('Chip makers drag the Nasdaq lower');
    expect(marked).toEqual([]);
    for (const part of [mail.html, mail.text]) expect(part).not.toMatch(/%%|On your watchlist/);
    expect(mail.text).toMatch(/\n1\. Stocks story number 0/);
  });

  it('puts the reader\'s instruments first and their stories first in each section, marked', async () => {
    const { v, compile } = await variant();
    const mail = personalise(v, { ...READER, watchlist: ['EURUSD=X', '^IXIC', 'NOT-CONFIGURED'] });
    const { rows, stories, marked } = read(mail.html);
    // Watched rows first in the table's order, then the defaults.
    expect(rows).toEqual(['Nasdaq', 'EUR/USD', 'S&P 500', 'FTSE 100', 'Nikkei 225']);
    const markets = stories.filter((s) => s.section === 'markets').map((s) => s.title);
    expect(markets.slice(0, 2)).toEqual(['Chip makers drag the Nasdaq lower', 'Stocks story number 3 moves the needle']);
    expect(markets.slice(2)).toEqual(['Stocks story number 0 moves the needle', 'Stocks story number 2 moves the needle']);
    expect(stories.filter((s) => s.section === 'world').map((s) => s.title)[0]).toBe('Leaders meet as the euro zone weighs a deal');
    expect(marked.sort()).toEqual(['Chip makers drag the Nasdaq lower', 'Leaders meet as the euro zone weighs a deal', 'Stocks story number 3 moves the needle']);
    expect(mail.html).not.toMatch(/%%/);
    // The text part: the same order, marked, numbered again from 1 in each section.
    expect(mail.text).toMatch(/\n1\. \[On your watchlist\] Chip makers drag the Nasdaq lower/);
    expect(mail.text).toMatch(/\n3\. Stocks story number 0/);
    expect(mail.text).toMatch(/\n1\. \[On your watchlist\] Leaders meet as the euro zone/);
    const table = mail.text.slice(mail.text.indexOf('Index'), mail.text.indexOf('Snapshot taken'));
    expect(table.split('\n').slice(1, 3).map((l) => l.split(/\s{2,}/)[0])).toEqual(['Nasdaq', 'EUR/USD']);
    expect(mail.text).not.toMatch(/%%/);
    // One compile for the variant, whatever the readers and their watchlists.
    personalise(v, { ...READER, watchlist: ['^GSPC'] });
    personalise(v, { ...READER, watchlist: [] });
    expect(compile.count).toBe(1);
  });

  it('gives readers with the same effective watchlist the same message, others their own', async () => {
    const { v } = await variant();
    const a = personalise(v, { ...READER, watchlist: ['^IXIC', 'EURUSD=X'] });
    const b = personalise(v, { ...READER, watchlist: ['EURUSD=X', '^IXIC', 'NOT-CONFIGURED'] });
    const c = personalise(v, { ...READER, watchlist: ['^GSPC'] });
    expect(b.html).toBe(a.html);
    expect(c.html).not.toBe(a.html);
    expect(read(c.html).rows[0]).toBe('S&P 500');
    expect(read(c.html).marked).toEqual([]);
  });
});
