// The HTML reader, boilerplate rules and summaries, with plain inputs.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/stories/decode.js';
import { htmlText } from '../../src/stories/html-text.js';
import { headline, summarise } from '../../src/stories/summary.js';
import { cleanField } from '../../src/stories/text.js';

const texts = (html: string) => htmlText(html).blocks.map((b) => b.text);
const paras = (html: string, isSelfLink?: (h: string) => boolean) =>
  cleanField({ value: html, type: 'html' }, isSelfLink ? { isSelfLink } : {}).paragraphs.map((p) => p.text);
const blocks = (...t: string[]) => t.map((text) => ({ text, heading: false }));

describe('htmlText', () => {
  it('only real markup is markup', () => {
    expect(texts('Apple <AAPL.O> and <GOOG> rise; revenue <$5bn, margin>10% & 3 < 4')).toEqual(['Apple <AAPL.O> and <GOOG> rise; revenue <$5bn, margin>10% & 3 < 4']);
    expect(texts('<p>Office <o:p>text</o:p> and <my-widget>custom</my-widget></p>')).toEqual(['Office text and custom']);
    expect(texts('a &lt;b&gt; c &amp;amp; d')).toEqual(['a <b> c &amp; d']); // decoded once
  });

  it('drops script, style, comments, declarations, widgets and a tag cut off at the end', () => {
    expect(texts('<!DOCTYPE html><!-- x --><script>var a="<p>no</p>";</script><style>p{}</style><p>Yes.</p><div class="share-bar">Share</div>as <a href="https://x.example/very-long')).toEqual(['Yes.', 'as']);
  });

  it('ends blocks at block elements and keeps the first image', () => {
    const out = htmlText('<figure><img src="/a.jpg"><figcaption>Credit</figcaption></figure><h2>Head</h2>One<br>Two<li>Three</li>');
    expect(out.blocks.map((b) => [b.text, b.heading])).toEqual([['Head', true], ['One', false], ['Two', false], ['Three', false]]);
    expect(out.image).toBe('/a.jpg');
  });

  it('reads deeply nested unclosed tags and stray close tags in one pass', () => {
    const html = `<p>Start.</p>${'<div class="a"><span>'.repeat(20_000)}${'</b></i>'.repeat(20_000)}<p>End.`;
    expect(texts(html)).toEqual(['Start.', 'End.']);
  });

  it('stops reading at maxChars and says so', () => {
    const out = htmlText(`<p>${'word '.repeat(50_000)}</p>`, { maxChars: 1000 });
    expect(out.complete).toBe(false);
  });
});

describe('cleanField', () => {
  it('a short last paragraph that only links to the item itself is not content; other links are', () => {
    const self = (h: string) => h === 'https://blog.example/post';
    expect(paras('<p>Body text.</p><p><a href="https://blog.example/post">★</a> Permalink</p>', self)).toEqual(['Body text.']);
    expect(paras('<p>Body text.</p><p><a href="https://elsewhere.example/">A related story elsewhere</a></p>', self)).toEqual(['Body text.', 'A related story elsewhere']);
  });

  it('boilerplate by table: whole lines and tails', () => {
    expect(paras('<p>Story.</p><p>∞ Permalink</p><p>Download Podcast</p><p>Comments</p><p>#markets #fed</p>')).toEqual(['Story.']);
    expect(paras('<p>Story goes on. Read More Here →</p>')).toEqual(['Story goes on.']);
  });

  it('plain text is never markup, and blank lines are paragraphs', () => {
    expect(cleanField({ value: 'Use <i> and <b>.\n\nSecond & last.', type: 'text' }).paragraphs.map((p) => p.text)).toEqual(['Use <i> and <b>.', 'Second & last.']);
  });
});

describe('summaries and headlines', () => {
  it('whole sentences; block ends end sentences; abbreviations do not', () => {
    expect(summarise(blocks('Fed holds rates', 'The U.S. Fed kept rates unchanged. Mr. Powell spoke.'))).toBe('Fed holds rates. The U.S. Fed kept rates unchanged. Mr. Powell spoke.');
    // A line wrapped with <br> carries on in lower case: no sentence end there.
    expect(summarise(blocks('The company said', 'it would cut 200 jobs.'))).toBe('The company said it would cut 200 jobs.');
  });

  it('a teaser fragment is cut at a word with "…", never mid-word', () => {
    expect(summarise(blocks('Complete sentence. And then a fragment that stops'), { truncated: true })).toBe('Complete sentence.');
    expect(summarise(blocks('Only a fragment that stops mid wor'), { truncated: true })).toBe('Only a fragment that stops mid…');
  });

  it('headlines: the first sentence, cut at a word past 100 characters', () => {
    expect(headline(blocks('Short post here. More text.'))).toBe('Short post here');
    const long = headline(blocks(`${'alpha beta gamma '.repeat(10)}end.`));
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long).toMatch(/ (alpha|beta|gamma)…$/);
  });
});

describe('decodeBody: UTF-16 and UTF-32 (XML appendix F)', () => {
  const xml = '<?xml version="1.0"?><rss>é 😀</rss>';
  it.each([
    ['utf-16le', false, 'bytes'],
    ['utf-16be', false, 'bytes'],
    ['utf-32le', false, 'bytes'],
    ['utf-32be', false, 'bytes'],
    ['utf-32le', true, 'bom'],
    ['utf-32be', true, 'bom'],
    ['utf-16le', true, 'bom'],
  ] as const)('%s, BOM %s', (charset, bom, by) => {
    const body = iconv.encode(xml, charset, { addBOM: bom });
    expect(decodeBody(body, 'text/xml; charset=iso-8859-1')).toMatchObject({ text: xml, charset, by });
  });
});
