// Rendering from fixture stories: strict MJML, every link, the market table, the
// footer, a readable text part, hostile input made harmless, and the size bound.
import { describe, expect, it } from 'vitest';
import * as cheerio from 'cheerio';
import { compileMjml, MjmlCompileError } from '../../src/editions/compile.js';
import { renderVariant, EditionTooLargeError, type VariantSource } from '../../src/editions/render.js';
import { personalise } from '../../src/editions/personalise.js';
import type { Cluster } from '../../src/stories/model.js';
import { MARKET, READER, SETTINGS, SLOT, cluster, clusters } from './fixtures.js';

const source = (list: Cluster[] = clusters(8), market = MARKET): VariantSource => ({
  id: 'e20261124T0700',
  slot: SLOT,
  token: 'a1b2c3d4e5f6',
  clusters: list,
  market,
});

async function render(key: string, list?: Cluster[], settings = SETTINGS) {
  const variant = await renderVariant(source(list), key, settings);
  return { variant, ...personalise(variant, READER) };
}

describe('digest rendering', () => {
  it('compiles strictly: an invalid template is an error, not a soft warning', async () => {
    await expect(compileMjml('<mjml><mj-body><mj-text>loose</mj-text></mj-body></mjml>')).rejects.toBeInstanceOf(MjmlCompileError);
    for (const key of ['markets', 'world', 'markets+world']) {
      await expect(renderVariant(source(), key, SETTINGS)).resolves.toMatchObject({ key });
    }
  });

  it('links every story, shows the market table and the whole footer, leaves no placeholder', async () => {
    const { html, variant } = await render('markets+world');
    const $ = cheerio.load(html);
    const hrefs = new Set($('a[href]').map((_, a) => $(a).attr('href')).get());
    const shown = clusters(8);
    expect(variant.storyIds).toEqual([...shown.filter((c) => c.section === 'markets'), ...shown.filter((c) => c.section === 'world')].map((c) => c.id));
    for (const c of shown) {
      expect(hrefs).toContain(c.lead.url);
      expect($(`a[href="${c.lead.url}"]`).text()).toContain(c.lead.title);
    }
    // Market table: one row per quote, sign and arrow beside the colour.
    const rows = $('tr').filter(
      (_, tr) => $(tr).children('td').length === 5 && /S&P 500|Nasdaq|FTSE 100|EUR\/USD|Nikkei 225/.test($(tr).children('td').first().text()),
    );
    expect(rows).toHaveLength(5);
    const sp = rows.filter((_, tr) => $(tr).text().includes('S&P 500'));
    expect(sp.text()).toMatch(/5,012\.34[\s\S]*\+12\.30[\s\S]*▲\s*\+0\.25%/);
    expect(sp.find('td').eq(3).attr('style')).toContain('color:#047857');
    const nasdaq = rows.filter((_, tr) => $(tr).text().includes('Nasdaq'));
    expect(nasdaq.text()).toMatch(/−95\.42[\s\S]*▼\s*−0\.54%/);
    expect(nasdaq.find('td').eq(4).attr('style')).toContain('color:#b91c1c');
    expect($.text()).toContain('Snapshot taken 06:55 GMT');
    expect($.text()).toMatch(/Stale prices, not updated recently: FTSE 100 \(21 Nov 16:30 GMT\)/);
    expect($.text()).toContain('No price available: Nikkei 225');
    // Footer.
    expect($(`a[href="${READER.unsubscribeUrl}"]`).text()).toBe('Unsubscribe');
    expect($(`a[href="${READER.preferencesUrl}"]`).text()).toBe('Preferences');
    expect($('a[href="https://news.example.com/archive/e20261124T0700"]').text()).toBe('View in browser');
    expect($.text()).toContain(SETTINGS.postalAddress);
    expect($.text()).toContain('Not investment advice');
    expect($.text()).toContain('Hello Ana,');
    expect(html).not.toMatch(/%%|\{\{/);
    expect($('html').attr('lang')).toBe('en');
    expect($('img').toArray().every((img) => ($(img).attr('alt') ?? '').length > 0)).toBe(true);
  });

  it('writes a plain-text part where table rows stay rows', async () => {
    const { text } = await render('markets+world');
    const lines = text.split('\n');
    expect(lines.find((l) => l.startsWith('S&P 500'))).toMatch(/^S&P 500\s+5,012\.34\s+\+12\.30\s+\+0\.25% up\s+23 Nov 21:00 GMT$/);
    expect(lines.find((l) => l.startsWith('Nasdaq'))).toMatch(/-95\.42\s+-0\.54% down/);
    expect(lines.find((l) => l.startsWith('Nikkei 225'))).toMatch(/—\s+n\/a\s+n\/a\s+no data/);
    for (const c of clusters(8)) expect(lines).toContain(`   ${c.lead.url}`);
    expect(text).toContain('1. Stocks story number 0 moves the needle');
    expect(text).toContain(`Unsubscribe: ${READER.unsubscribeUrl}`);
    expect(text).toContain(SETTINGS.postalAddress);
    expect(text).not.toMatch(/<[a-z]|&amp;|%%|\{\{/);
    expect(Math.max(...lines.filter((l) => !l.includes('http')).map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('leaves out sections with no stories and the market table for world-only readers', async () => {
    const marketsOnly = clusters(4).filter((c) => c.section === 'markets');
    const both = await render('markets+world', marketsOnly);
    expect(both.html).not.toContain('>WORLD<');
    expect(both.text).not.toMatch(/^WORLD$/m);
    const world = await render('world');
    expect(world.html).not.toContain('MARKETS AT A GLANCE');
    expect(world.variant.storyIds.every((id) => id.startsWith('c-world'))).toBe(true);
    const none = await renderVariant({ ...source([]), market: null }, 'markets', SETTINGS);
    expect(none.storyIds).toEqual([]);
    expect(none.html).toContain('Market data is not available for this edition.');
  });

  it('renders hostile feed text harmlessly', async () => {
    const evil = cluster(0, 'markets', {
      title: `<script>alert(1)</script> "quoted" 'single' {{ footer }} %%a1b2c3d4e5f6:greeting%% ${'x'.repeat(5000)}`,
      url: 'javascript:alert(1)',
      summary: '<img src=x onerror=alert(2)><a href="javascript:alert(3)">click</a>',
      sourceName: '<b onclick="alert(4)">Evil</b>',
      imageUrl: 'javascript:alert(5)',
    }, 1000);
    evil.alsoCoveredBy = [{ sourceId: 'z', sourceName: '"><svg onload=alert(6)>', url: 'https://ok.example/z' }];
    const { html, text, subject } = await render('markets+world', [evil, ...clusters(3)]);
    const $ = cheerio.load(html);
    expect($('script')).toHaveLength(0);
    expect($('svg')).toHaveLength(0);
    const attrs = $('*').toArray().flatMap((el) => Object.entries((el as unknown as { attribs: Record<string, string> }).attribs));
    expect(attrs.filter(([name]) => name.startsWith('on'))).toEqual([]);
    expect(attrs.filter(([, value]) => /^\s*javascript:/i.test(value))).toEqual([]);
    const headline = $('a[href="#"]').first().text();
    expect(headline.startsWith('<script>alert(1)</script> "quoted"')).toBe(true);
    expect(headline).toContain('{{ footer }}');
    // A feed that guessed the edition's token still cannot write a reader placeholder.
    expect(headline).toContain('a1b2c3d4e5f6:greeting');
    expect(headline).not.toContain('Hello Ana');
    expect(headline.length).toBeLessThanOrEqual(200);
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).not.toMatch(/^\s*(javascript:|#$)/m); // no unsafe link line; feed text stays plain text
    expect(subject.length).toBeLessThanOrEqual(150);
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it('stays under 100 KB at the story cap with the longest allowed text, and shrinks when needed', async () => {
    const long = (n: number, section: 'markets' | 'world') =>
      cluster(n, section, { title: `Long ${'headline '.repeat(60)}`, summary: 'word '.repeat(400), imageUrl: `https://img.example/${n}.jpg` });
    const heavy = Array.from({ length: 20 }, (_, i) => [long(i, 'markets'), long(i, 'world')]).flat();
    const full = await renderVariant(source(heavy), 'markets+world', SETTINGS);
    expect(full.storyIds).toHaveLength(16);
    expect(full.htmlBytes).toBeLessThan(100_000);
    expect(Buffer.byteLength(personalise(full, READER).html)).toBeLessThan(100_000);
    const tight = await renderVariant(source(heavy), 'markets+world', { ...SETTINGS, maxHtmlBytes: 32_000 });
    expect(tight.htmlBytes).toBeLessThanOrEqual(32_000);
    expect(tight.storyIds.length).toBeLessThan(16);
    await expect(renderVariant(source(heavy), 'markets+world', { ...SETTINGS, maxHtmlBytes: 1000 })).rejects.toBeInstanceOf(
      EditionTooLargeError,
    );
  });
});
