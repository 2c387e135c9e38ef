// DigestView → the plain-text part, from the .txt partials. Written for people:
// aligned market rows, numbered stories, wrapped summaries, links on their own line.
import type { FooterLinks } from './digest-mjml.js';
import { fillText } from './templates.js';
import { readerPlaceholder } from './model.js';
import { cutMark, markSlot, numberSlot } from './watchlist.js';
import { wrap } from './format.js';
import type { DigestView, MarketView, StoryView } from './digest-view.js';

const WIDTH = 72;
const ARROWS = { up: 'up', down: 'down', flat: '' } as const;

function marketText(view: MarketView | null, token: string): string {
  if (!view) return '';
  if (view.rows.length === 0) return `\n${wrap(view.note ?? '', WIDTH)}\n`;
  const cells = view.rows.map((r) => [r.label, r.level, r.change, `${r.changePercent} ${ARROWS[r.direction]}`.trim(), r.asOf]);
  const header = ['Index', 'Level', view.changeHeading, '%', 'As of'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  // Label and time left-aligned, numbers right-aligned: a table that survives any font.
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 || i === 4 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  // Each row between cut marks: a reader's watched rows move up (watchlist.ts).
  const rows = [line(header), ...cells.map((c) => `${cutMark(token, 'row')}${line(c)}`)].join('\n') + cutMark(token, 'end');
  return fillText('partials/market-table.txt', {
    title: view.title,
    rows,
    asOf: wrap(view.asOf, WIDTH),
    note: view.note ? wrap(`! ${view.note}`, WIDTH) : '',
  });
}

function storyText(story: StoryView, token: string): string {
  const also = story.alsoCoveredBy.map((s) => s.name).join(', ');
  const more = story.moreSources ? ` and ${story.moreSources} more` : '';
  const meta = [story.sourceName, also ? `also covered by ${also}${more}` : '', story.age].filter(Boolean).join(' · ');
  return cutMark(token, 'story') + fillText('partials/story.txt', {
    number: numberSlot(token),
    mark: markSlot(token),
    title: wrap(story.title, WIDTH - 4, '   ').trimStart(),
    meta: wrap(meta, WIDTH - 3, '   ').trimStart(),
    summary: wrap(story.summary, WIDTH - 3, '   '),
    url: story.url === '#' ? '' : story.url, // an unsafe link is dropped, not shown as text
  });
}

export function footerText(token: string, values: { why: string; postalAddress: string; links: FooterLinks }): string {
  const links =
    values.links === 'none'
      ? ''
      : fillText('partials/footer-links.txt', {
          browserLine: values.links === 'reader+browser' ? `View in your browser: ${readerPlaceholder(token, 'browser_url')}\n` : '',
          preferencesUrl: readerPlaceholder(token, 'preferences_url'),
          unsubscribeUrl: readerPlaceholder(token, 'unsubscribe_url'),
        });
  return fillText('partials/footer.txt', {
    links,
    why: wrap(values.why, WIDTH),
    postalAddress: wrap(values.postalAddress, WIDTH),
  });
}

export function digestText(view: DigestView, token: string): string {
  const sections = view.sections
    .map((s) =>
      fillText('partials/section.txt', {
        title: s.title,
        rule: '='.repeat(s.title.length),
        stories: s.stories.map((story) => storyText(story, token)).join('') + cutMark(token, 'end'),
      }),
    )
    .join('');
  const out = fillText('digest.txt', {
    brand: view.brand.name,
    date: view.date,
    greeting: readerPlaceholder(token, 'greeting'),
    intro: view.intro,
    market: marketText(view.market, token),
    sections,
    footer: footerText(token, { why: view.why, postalAddress: view.postalAddress, links: 'reader+browser' }),
  });
  // Empty optional parts leave runs of blank lines; one blank line is enough.
  return `${out.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
