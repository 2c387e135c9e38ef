// Signup, confirm, unsubscribe and preferences pages. Forms POST; GET never changes state.
import type { Brand } from '../../brand.js';
import { WEEK_ORDER, WEEKDAY_NAMES, type WatchOption } from '../../subscribers/choices.js';
import { CHOICE_DEFAULTS, WATCHLIST_MAX, type Subscriber } from '../../subscribers/model.js';
import { html, type SafeHtml } from '../../html.js';
import type { Topic } from '../../topics.js';
import { page } from './layout.js';

/** What the subscription pages show: the brand and the configured topics. */
export interface SiteView {
  brand: Brand;
  topics: readonly Topic[];
  /** Instruments a reader may watch (the configured market symbols); none: no watchlist field. */
  watchOptions?: readonly WatchOption[];
}

const HOURS = Array.from({ length: 24 }, (_, h) => h);
const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** One box per configured topic, in the sources file's order. */
function topicBoxes(topics: readonly Topic[], selected: readonly string[]): SafeHtml {
  const box = (t: Topic) =>
    html`<label><input type="checkbox" name="topics" value="${t.id}"${selected.includes(t.id) ? html` checked` : ''}> ${t.label}</label>`;
  return html`<fieldset><legend>Topics</legend>${topics.map(box)}</fieldset>`;
}

function whenFields(timezone: string, hour: number, weekdaysOnly: boolean): SafeHtml {
  return html`<div class="row">
  <div><label for="timezone">Time zone</label>
  <input type="text" id="timezone" name="timezone" value="${timezone}" autocomplete="off" spellcheck="false" aria-describedby="tz-help">
  <span id="tz-help" class="muted">For example Europe/London or America/New_York.</span></div>
  <div><label for="sendHour">Delivery hour</label>
  <select id="sendHour" name="sendHour">${HOURS.map((h) => html`<option value="${h}"${h === hour ? html` selected` : ''}>${hourLabel(h)}</option>`)}</select></div>
</div>
<fieldset><legend>Days</legend><label><input type="checkbox" name="weekdaysOnly"${weekdaysOnly ? html` checked` : ''}> Weekdays only</label></fieldset>`;
}

type Choices = Pick<Subscriber, 'cadence' | 'weeklyDay' | 'watchlist'>;

/** Daily or weekly, and the weekly edition's day; with JavaScript off both stay usable. */
function cadenceFields(choices: Choices): SafeHtml {
  const radio = (value: string, label: string) =>
    html`<label><input type="radio" name="cadence" value="${value}"${choices.cadence === value ? html` checked` : ''}> ${label}</label>`;
  return html`<fieldset><legend>How often</legend>
  ${radio('daily', 'Every day (the top stories of the last 24 hours)')}
  ${radio('weekly', 'Once a week (the best of the past seven days)')}
  <label for="weeklyDay">Weekly on</label>
  <select id="weeklyDay" name="weeklyDay">${WEEK_ORDER.map((d) => html`<option value="${d}"${d === choices.weeklyDay ? html` selected` : ''}>${WEEKDAY_NAMES[d]}</option>`)}</select>
</fieldset>`;
}

/** Up to WATCHLIST_MAX of the configured instruments; absent when none is configured. */
function watchlistFields(options: readonly WatchOption[], selected: readonly string[]): SafeHtml | '' {
  if (options.length === 0) return '';
  return html`<fieldset><legend>Your watchlist <span class="muted">(up to ${WATCHLIST_MAX}; their prices come first and stories naming them are marked)</span></legend>
  ${options.map((o) => html`<label><input type="checkbox" name="watchlist" value="${o.symbol}"${selected.includes(o.symbol) ? html` checked` : ''}> ${o.label}</label>`)}
</fieldset>`;
}

export function signupPage(site: SiteView, defaults: { timezone: string; sendHour: number }): string {
  return page(
    site.brand,
    'Subscribe',
    html`<h1>${site.brand.name}</h1>
<p class="lead">One email a day — or once a week — at your hour: the top stories of the topics you choose, with the instruments you watch first.</p>
<form id="signup" method="post" action="/api/subscribe" novalidate>
  <label for="email">Email address</label>
  <input type="email" id="email" name="email" required autocomplete="email" maxlength="254">
  <label for="name">Name <span class="muted">(optional)</span></label>
  <input type="text" id="name" name="name" autocomplete="given-name" maxlength="100">
  ${topicBoxes(site.topics, site.topics.map((t) => t.id))}
  ${whenFields(defaults.timezone, defaults.sendHour, false)}
  ${cadenceFields(CHOICE_DEFAULTS)}
  ${watchlistFields(site.watchOptions ?? [], [])}
  <div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input type="text" id="website" name="website" tabindex="-1" autocomplete="off"></div>
  <button type="submit">Subscribe</button>
  <p id="signup-status" role="status" aria-live="polite" tabindex="-1"></p>
  <p class="muted">We send a confirmation email first. Every digest has a one-click unsubscribe link.</p>
</form>`,
    { scripts: ['/assets/signup.js'] },
  );
}

export function confirmPage(brand: Brand, token: string): string {
  return page(
    brand,
    'Confirm your subscription',
    html`<h1>Confirm your subscription</h1>
<p>Press the button to start receiving the daily digest.</p>
<form method="post" action="/confirm/${token}"><button type="submit">Confirm my subscription</button></form>`,
  );
}

export function expiredConfirmPage(brand: Brand, token: string): string {
  return page(
    brand,
    'This link has expired',
    html`<h1>This link has expired</h1>
<p>Confirmation links work for 48 hours. We can send you a fresh one.</p>
<form method="post" action="/confirm/resend"><input type="hidden" name="token" value="${token}"><button type="submit">Send me a new link</button></form>`,
  );
}

export function unsubscribePage(brand: Brand, token: string): string {
  return page(
    brand,
    'Unsubscribe',
    html`<h1>Unsubscribe</h1>
<p>Press the button and you will get no more digests from us.</p>
<form method="post" action="/unsubscribe/${token}"><button type="submit" class="secondary">Unsubscribe</button></form>`,
  );
}

export function preferencesPage(site: SiteView, token: string, sub: Subscriber, notice?: SafeHtml): string {
  const active = sub.status === 'confirmed' || sub.status === 'pending';
  return page(
    site.brand,
    'Your preferences',
    html`<h1>Your preferences</h1>
${notice ?? ''}
${active ? '' : html`<p class="notice err">You are unsubscribed. Sign up again on the <a href="/">signup page</a> to receive the digest.</p>`}
<form method="post" action="/preferences/${token}">
  <label for="name">Name <span class="muted">(optional)</span></label>
  <input type="text" id="name" name="name" value="${sub.name}" maxlength="100">
  ${topicBoxes(site.topics, sub.topics)}
  ${whenFields(sub.timezone, sub.sendHour, sub.weekdaysOnly)}
  ${cadenceFields(sub)}
  ${watchlistFields(site.watchOptions ?? [], sub.watchlist)}
  <button type="submit">Save preferences</button>
</form>
${active ? html`<form method="post" action="/preferences/${token}"><input type="hidden" name="action" value="unsubscribe"><button type="submit" class="secondary">Unsubscribe from the digest</button></form>` : ''}`,
  );
}
