// DigestView → MJML source, from the partials in templates/. Every feed value is
// escaped by fillMarkup; only fragments built here with html`` go in as markup.
import type { Brand } from '../brand.js';
import { SafeHtml, html } from '../html.js';
import { fillMarkup } from './templates.js';
import { readerPlaceholder } from './model.js';
import type { DigestView, MarketView, StoryView } from './digest-view.js';
import type { Direction } from './format.js';
import { SPARKLINE } from './sparkline.js';
import { cutMark, markSlot } from './watchlist.js';

const COLOURS: Record<Direction, string> = { up: '#047857', down: '#b91c1c', flat: '#475569' };
const ARROWS: Record<Direction, string> = { up: '▲', down: '▼', flat: '■' };
// Typographic minus reads better and screen readers say "minus"; the text part keeps ASCII.
const minus = (s: string) => s.replace(/^-/, '−');

function joinMarkup(parts: SafeHtml[]): SafeHtml {
  return new SafeHtml(parts.map((p) => p.value).join('\n'));
}

function storyMeta(story: StoryView): SafeHtml {
  const others = story.alsoCoveredBy.map((s, i) => html`${i ? ', ' : ''}<a href="${s.url}" style="color:#64748b;">${s.name}</a>`);
  const more = story.moreSources ? ` and ${story.moreSources} more` : '';
  const also = others.length ? html` · also covered by ${others}${more}` : '';
  return html`${story.sourceName}${also} · ${story.age}`;
}

/** A story card between cut marks, with a slot for "On your watchlist" (watchlist.ts). */
function storyCard(story: StoryView, token: string): SafeHtml {
  const card = plainCard(story, token);
  return html`<mj-raw>${new SafeHtml(cutMark(token, 'story'))}</mj-raw>${card}`;
}

function plainCard(story: StoryView, token: string): SafeHtml {
  const body = fillMarkup('partials/story-body.mjml', {
    mark: new SafeHtml(markSlot(token)),
    url: story.url,
    title: story.title,
    meta: storyMeta(story),
    summary: story.summary,
  });
  if (!story.imageUrl) return fillMarkup('partials/story-card.mjml', { body });
  return fillMarkup('partials/story-card-thumb.mjml', {
    body,
    url: story.url,
    imageUrl: story.imageUrl,
    imageAlt: story.title,
  });
}

function market(view: MarketView | null, token: string): SafeHtml {
  if (!view) return new SafeHtml('');
  const note = view.note ? fillMarkup('partials/market-note.mjml', { text: `⚠ ${view.note}` }) : new SafeHtml('');
  if (view.rows.length === 0) {
    return html`<mj-section background-color="#ffffff" padding="14px 24px 6px 24px"><mj-column>${note}</mj-column></mj-section>`;
  }
  const rows = view.rows.map((r) =>
    html`${new SafeHtml(cutMark(token, 'row'))}${fillMarkup('partials/market-row.mjml', {
      label: r.label,
      asOf: r.asOf,
      level: r.level,
      change: minus(r.change),
      changePercent: minus(r.changePercent),
      colour: COLOURS[r.direction],
      direction: r.direction,
      arrow: r.state === 'missing' ? '' : ARROWS[r.direction],
      chart: r.chart
        ? html`<img src="${r.chart.url}" width="${SPARKLINE.width}" height="${SPARKLINE.height}" alt="${r.chart.alt}" style="display:block;border:0;width:${SPARKLINE.width}px;height:${SPARKLINE.height}px;font-size:10px;line-height:12px;color:#64748b;" />`
        : '',
    })}`,
  );
  const cutRows = joinMarkup([...rows, new SafeHtml(cutMark(token, 'end'))]);
  return fillMarkup('partials/market-table.mjml', { title: view.title, changeHeading: view.changeHeading, rows: cutRows, asOf: view.asOf, note });
}

/** The brand band, date, greeting and intro: the top of every mail (digest, welcome, confirmation). */
export function headerMarkup(brand: Brand, values: { date: string; greeting: SafeHtml | string; intro: string }): SafeHtml {
  return fillMarkup('partials/header.mjml', {
    brand: brand.name,
    brandUrl: brand.url,
    brandColor: brand.color,
    logo: brand.logoUrl ? html`<mj-image src="${brand.logoUrl}" alt="" width="48px" align="left" padding="0 0 10px 0" />` : '',
    date: values.date,
    greeting: values.greeting,
    intro: values.intro,
  });
}

/** Which of the reader's links a mail's footer carries: none (confirmation), theirs, theirs and "view in browser". */
export type FooterLinks = 'none' | 'reader' | 'reader+browser';

/** The footer is shared with every mail (digest, welcome, confirmation). */
export function footerMarkup(token: string, values: { why: string; postalAddress: string; links: FooterLinks }): SafeHtml {
  const browserLink =
    values.links === 'reader+browser'
      ? html`<a href="${new SafeHtml(readerPlaceholder(token, 'browser_url'))}" style="color:#1d4ed8;">View in browser</a> · `
      : '';
  const links =
    values.links === 'none'
      ? ''
      : fillMarkup('partials/footer-links.mjml', {
          browserLink,
          preferencesUrl: new SafeHtml(readerPlaceholder(token, 'preferences_url')),
          unsubscribeUrl: new SafeHtml(readerPlaceholder(token, 'unsubscribe_url')),
        });
  return fillMarkup('partials/footer.mjml', { links, why: values.why, postalAddress: values.postalAddress });
}

export function digestMjml(view: DigestView, token: string): string {
  const sections = view.sections.map((s) =>
    fillMarkup('partials/section.mjml', {
      title: s.title,
      stories: joinMarkup([...s.stories.map((story) => storyCard(story, token)), html`<mj-raw>${new SafeHtml(cutMark(token, 'end'))}</mj-raw>`]),
    }),
  );
  return fillMarkup('digest.mjml', {
    title: view.title,
    preheader: view.preheader,
    head: fillMarkup('partials/head.mjml', {}),
    header: headerMarkup(view.brand, { date: view.date, greeting: new SafeHtml(readerPlaceholder(token, 'greeting')), intro: view.intro }),
    market: market(view.market, token),
    sections: joinMarkup(sections),
    footer: footerMarkup(token, { why: view.why, postalAddress: view.postalAddress, links: 'reader+browser' }),
  }).value;
}
