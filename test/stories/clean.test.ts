// Pure cleaning functions with plain inputs: bytes, dates, URLs, text.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseFeedDate, publishedAt } from '../../src/stories/dates.js';
import { decodeBody } from '../../src/stories/decode.js';
import { looksLikeHtml } from '../../src/stories/fetch.js';
import { topicFor } from '../../src/stories/section.js';
import { DEFAULT_TOPICS, TopicSchema } from '../../src/topics.js';
import { summarise } from '../../src/stories/summary.js';
import { cleanField, fieldLine } from '../../src/stories/text.js';
import { canonicalUrl, urlKey } from '../../src/stories/url.js';

describe('decodeBody', () => {
  const cp = iconv.encode('“Café” – €5', 'windows-1252');
  it.each([
    ['BOM wins over a wrong header', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('“x”')]), 'text/xml; charset=iso-8859-1', '“x”', 'bom'],
    ['HTTP charset', cp, 'text/xml; charset=windows-1252', '“Café” – €5', 'http'],
    ['ISO-8859-1 label means windows-1252', cp, 'text/xml; charset=ISO-8859-1', '“Café” – €5', 'http'],
    ['XML declaration', Buffer.concat([Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?>'), cp]), undefined, '<?xml version="1.0" encoding="iso-8859-1"?>“Café” – €5', 'xml'],
    ['strict UTF-8', Buffer.from('“Café” – €5'), undefined, '“Café” – €5', 'utf-8'],
    ['a false utf-8 header falls through to windows-1252', cp, 'text/xml; charset=utf-8', '“Café” – €5', 'fallback'],
  ])('%s', (_name, bytes, type, text, by) => {
    expect(decodeBody(bytes, type)).toMatchObject({ text, by });
  });
});

describe('dates', () => {
  it.each([
    ['Tue, 10 Mar 2026 08:30:00 +0000', '2026-03-10T08:30:00.000Z'],
    ['Tues, 10 Mar 2026 08:30:00 EST', '2026-03-10T13:30:00.000Z'],
    ['10 Mar 26 08:30 BST', '2026-03-10T07:30:00.000Z'],
    ['Tue, 10 Mar 2026 08:30:00', '2026-03-10T08:30:00.000Z'],
    ['2026-03-10 05:45:00', '2026-03-10T05:45:00.000Z'],
    ['2026-03-10T09:30:00-05:00', '2026-03-10T14:30:00.000Z'],
    ['2026-03-10', '2026-03-10T00:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseFeedDate(text)?.toISOString()).toBe(iso);
  });

  it('garbage and future dates are no date at all (never the fetch time)', () => {
    const fetched = new Date('2026-03-10T12:00:00Z');
    expect(parseFeedDate('yesterday-ish')).toBeNull();
    expect(publishedAt(['not a date'], fetched)).toBeNull();
    expect(publishedAt([null], fetched)).toBeNull();
    expect(publishedAt(['2026-03-11T12:00:00Z'], fetched)).toBeNull();
    expect(publishedAt(['garbage', '2026-03-09T12:00:00Z'], fetched)).toEqual(new Date('2026-03-09T12:00:00Z'));
  });
});

describe('canonical URLs', () => {
  it.each([
    ['http://www.bbc.co.uk/news/world-60993659/?at_medium=RSS&at_campaign=KARANGA&utm_source=x&fbclid=abc#top', 'http://www.bbc.co.uk/news/world-60993659/'],
    ['https://ex.com/a?id=3&gclid=1&mc_cid=2&mc_eid=3', 'https://ex.com/a?id=3'],
    ['https://amp.ex.com/story.amp.html?outputType=amp', 'https://ex.com/story.html'],
    ['https://ex.com/2026/03/story/amp/', 'https://ex.com/2026/03/story/'],
    ['https://www-ex-com.cdn.ampproject.org/c/s/www.ex.com/story', 'https://www.ex.com/story'],
    ['/relative/path?utm_medium=rss', 'https://base.example.com/relative/path'],
  ])('%s', (link, want) => {
    expect(canonicalUrl(link, 'https://base.example.com/feed/')).toBe(want);
  });

  it('refuses non-web links and keys equal articles equally', () => {
    expect(canonicalUrl('javascript:alert(1)', 'https://x.com/')).toBeNull();
    expect(canonicalUrl('mailto:a@b.c', 'https://x.com/')).toBeNull();
    expect(urlKey('http://www.ex.com/a/?b=2&a=1')).toBe(urlKey('https://ex.com/a?a=1&b=2'));
  });
});

describe('text', () => {
  it('HTML titles: tags stripped, entities decoded once, whitespace folded', () => {
    expect(fieldLine({ value: '<b>Stocks</b>&nbsp;rally &amp; bonds\n  slip &#8217;', type: 'html' })).toBe('Stocks rally & bonds slip ’');
    expect(fieldLine({ value: 'AT&amp;amp;T', type: 'html' })).toBe('AT&amp;T');
  });

  it('drops boilerplate, credits and widgets, keeps the story', () => {
    const html = `<p>REUTERS/Brendan McDermid</p><p>Stocks rose on Monday. Investors cheered.</p>
      <p>Read more: Why markets rose</p><p>Related: Bonds</p><p>Share this: Twitter Facebook</p><p>12 Comments</p>
      <p>Sign up for our newsletter</p><p>Advertisement</p><p>Second paragraph here (Photo: AP).</p>
      <p>The post Stocks rise appeared first on Example News.</p>`;
    expect(cleanField({ value: html, type: 'html' }).paragraphs.map((p) => p.text)).toEqual(['Stocks rose on Monday. Investors cheered.', 'Second paragraph here.']);
  });

  it('summaries stop at a sentence before 300 characters, or cut a long one at a word', () => {
    const s = 'A'.repeat(10);
    const blocks = (...texts: string[]) => texts.map((text) => ({ text, heading: false }));
    expect(summarise(blocks(`${s} one. ${s} two.`, `${'b'.repeat(290)}.`))).toBe(`${s} one. ${s} two.`);
    const long = summarise(blocks(`${'word '.repeat(100)}end.`));
    expect(long.length).toBeLessThanOrEqual(300);
    expect(long.endsWith('word…')).toBe(true);
  });

  it('recognises HTML pages served as feeds', () => {
    expect(looksLikeHtml('\uFEFF  <!DOCTYPE html><html>')).toBe(true);
    expect(looksLikeHtml('<html lang="en">')).toBe(true);
    expect(looksLikeHtml('<?xml version="1.0"?><rss>')).toBe(false);
    expect(looksLikeHtml('{"version":"https://jsonfeed.org/version/1.1"}')).toBe(false);
  });
});

describe('topic keyword rule', () => {
  const sectionFor = (source: string, title: string, summary: string) => topicFor(source, title, summary, DEFAULT_TOPICS);
  it('moves clear stories across, leaves ambiguous ones with their source', () => {
    expect(sectionFor('world', 'Dow falls as Treasury yields jump', 'Stocks slid and bond yields rose on Wall Street.')).toBe('markets');
    expect(sectionFor('markets', 'Troops cross border as ceasefire collapses', 'Fighting resumed and the army said missiles were fired.')).toBe('world');
    expect(sectionFor('world', 'Sanctions hit Russian oil exports', 'The EU agreed new sanctions on Russia.')).toBe('world');
    expect(sectionFor('markets', 'Election lifts stocks', 'Investors welcomed the vote.')).toBe('markets');
  });

  it('uses the keywords of every configured topic, a third one included', () => {
    const crypto = TopicSchema.parse({ id: 'crypto', label: 'Crypto', keywords: ['bitcoin', 'ether', 'stablecoin', 'crypto', 'token'] });
    const topics = [...DEFAULT_TOPICS, crypto];
    expect(topicFor('world', 'Ether and stablecoin issuers face audit', 'Stablecoin reserves and ether staking were reviewed.', topics)).toBe('crypto');
    // Not one-sided: markets words are there too, so the source's topic stays.
    expect(topicFor('markets', 'Bitcoin lifts stocks on Wall Street', 'Investors bought shares and bitcoin.', topics)).toBe('markets');
    // A topic without keywords never pulls stories in, and its own stories stay.
    expect(topicFor('crypto', 'Quiet day', 'Nothing happened.', topics)).toBe('crypto');
  });
});

describe('controls in feed text', () => {
  const evil = 'Rates\u0000 hold\u0085\u009b[2J \u202Egpj.exe\u202C\u2066x\u2069 zero\u200Bwidth\uFEFF\u007f end\u001b[31m';
  it('removes C0/C1 controls, DEL, bidi overrides and isolates and zero-width characters from titles and summaries', () => {
    expect(fieldLine({ value: `<b>${evil}</b>`, type: 'html' })).toBe('Rates hold[2J gpj.exex zerowidth end[31m');
    expect(fieldLine({ value: evil, type: 'text' })).toBe('Rates hold[2J gpj.exex zerowidth end[31m');
    expect(cleanField({ value: `<p>${evil}. More words follow here.</p>`, type: 'html' }).paragraphs.map((p) => p.text)).toEqual([
      'Rates hold[2J gpj.exex zerowidth end[31m. More words follow here.',
    ]);
    expect(fieldLine({ value: 'Zoë’s “café” — 日本語 עברית', type: 'html' })).toBe('Zoë’s “café” — 日本語 עברית');
  });
});

