// The /admin overview: server-rendered, every value escaped by html``, no inline
// style or script (the CSP forbids both), tables scroll sideways on a phone.
import type { Brand } from '../../brand.js';
import { html, type SafeHtml } from '../../html.js';
import { page } from './layout.js';
import { ALL_QUEUES } from '../../queues/names.js';
import { funnelRows, type EditionFunnel } from '../../ops/edition-funnel.js';
import { duration, shortTime } from '../../ops/format.js';
import type { Overview, SourceRow } from '../../ops/overview.js';

const STATES_SHOWN = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

const table = (head: string[], rows: SafeHtml[], empty: string) =>
  rows.length === 0
    ? html`<p class="muted">${empty}</p>`
    : html`<div class="scroll"><table><thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;

function editionRow(e: EditionFunnel): SafeHtml {
  const bad = e.status === 'cancelled' || e.status === 'paused' || e.failed + e.bounced + e.unknown > 0;
  return html`<tr>
<td><a href="/admin/editions/${e.id}">${e.id}</a><br><span class="muted">${e.mode}</span></td>
<td>${shortTime(e.slot)}</td>
<td><span class="${bad ? 'bad' : e.status === 'done' ? 'good' : ''}">${e.status}</span>${e.reason ? html`<br><span class="muted">${e.reason}</span>` : ''}</td>
<td class="n">${e.due}</td><td class="n">${e.sent}</td><td class="n">${e.failed}</td><td class="n">${e.bounced}</td>
<td class="n">${e.unknown}</td><td class="n">${e.skipped}</td><td class="n">${e.pending}</td>
<td>${shortTime(e.startedAt)}</td><td>${shortTime(e.finishedAt)}</td><td>${duration(e.lagSec)}</td>
</tr>`;
}

function sourceRow(s: SourceRow): SafeHtml {
  const state = s.ok === null ? html`<span class="muted">not fetched yet</span>` : s.ok ? html`<span class="good">ok</span>` : html`<span class="bad">unhealthy</span>`;
  return html`<tr>
<td>${s.name}<br><span class="muted">${s.id}</span></td><td>${state}</td>
<td>${shortTime(s.lastSuccessAt)}</td><td>${shortTime(s.lastErrorAt)}${s.lastError ? html`<br><span class="muted">${s.lastError}</span>` : ''}</td>
<td class="n">${s.failuresInARow}</td><td class="n">${s.items}</td>
</tr>`;
}

export function overviewPage(brand: Brand, o: Overview, options: { readOnly: boolean }): string {
  const subs = Object.entries(o.subscribers);
  const workers = o.alive.filter((a) => a.role === 'worker').length;
  const body = html`<h1>Operations</h1>
<p class="muted">As of ${shortTime(o.generatedAt)} UTC · <a href="/admin/queues">Queues (bull-board${options.readOnly ? ', read-only' : ''})</a> · <a href="/metrics">Metrics</a></p>
${o.warnings.map((w) => html`<p class="notice err" role="alert">${w}</p>`)}

<section aria-labelledby="h-editions"><h2 id="h-editions">Editions, last 3 days</h2>
${table(
  ['Edition', 'Slot (UTC)', 'Status', 'Due', 'Sent', 'Failed', 'Bounced', 'Unknown', 'Skipped', 'Pending', 'Started', 'Finished', 'Lag'],
  o.editions.map(editionRow),
  'No editions in the last 3 days.',
)}
${o.cancelled.length ? html`<h3>Cancelled slots</h3><ul>${o.cancelled.map((c) => html`<li>${shortTime(c.slot)} UTC — ${c.reason}</li>`)}</ul>` : ''}
</section>

<section aria-labelledby="h-sources"><h2 id="h-sources">Sources</h2>
${table(['Source', 'State', 'Last success', 'Last error', 'Failures in a row', 'Items'], o.sources.map(sourceRow), 'No sources configured.')}
<p class="muted">Market data: ${o.market.fetchedAt ? html`fetched ${shortTime(o.market.fetchedAt)} UTC (${duration(o.market.ageSec)} ago); ${o.market.fresh} fresh, ${o.market.stale} stale, ${o.market.missing} missing` : 'no snapshot yet'}.</p>
</section>

<section aria-labelledby="h-readers"><h2 id="h-readers">Readers</h2>
<div class="scroll"><table><tbody>
${subs.map(([status, n]) => html`<tr><th scope="row">${status}</th><td class="n">${n}</td></tr>`)}
<tr><th scope="row">suppressed addresses</th><td class="n">${o.suppressed}</td></tr>
</tbody></table></div>
<h3>Per day (UTC)</h3>
${table(
  ['Day', 'Signups', 'Confirmations', 'Unsubscribes'],
  o.daily.map((d) => html`<tr><td>${d.day}</td><td class="n">${d.counts.signups}</td><td class="n">${d.counts.confirmations}</td><td class="n">${d.counts.unsubscribes}</td></tr>`),
  'No days.',
)}
</section>

<section aria-labelledby="h-queues"><h2 id="h-queues">Queues</h2>
<p class="muted">${workers} worker process(es) alive${o.alive.length ? html` (${o.alive.map((a) => `${a.role} ${a.id}`).join(', ')})` : ''}.</p>
${table(
  ['Queue', ...STATES_SHOWN],
  ALL_QUEUES.map((q) => html`<tr><td>${q}</td>${STATES_SHOWN.map((s) => html`<td class="n">${o.queues[q][s] ?? 0}</td>`)}</tr>`),
  'No queues.',
)}
</section>`;
  return page(brand, 'Operations', body, { wide: true });
}

export function editionPage(brand: Brand, e: EditionFunnel): string {
  const rows = funnelRows(e);
  return page(
    brand,
    `Edition ${e.id}`,
    html`<h1>Edition ${e.id}</h1><div class="scroll"><table><tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table></div>
<p class="muted"><a href="/admin">Back to the overview</a></p>`,
    { wide: true },
  );
}
