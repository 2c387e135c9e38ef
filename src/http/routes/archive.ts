// The web archive: /archive (list), /archive/:id (one edition as mailed, without any
// reader's links), /archive/feed.xml (Atom), and the editions' market charts at
// /charts/:id/:symbol.png. Read-only; "view in browser" lands here.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { EditionStore } from '../../editions/store.js';
import { EDITION_ID_PATTERN } from '../../editions/model.js';
import { archiveHtml, archiveVariantOrder, atomFeed, editionLabel, headlines, isPublished } from '../../editions/archive.js';
import type { Brand } from '../../brand.js';
import { html } from '../../html.js';
import { messagePage, page } from '../pages/layout.js';

export interface ArchiveOptions {
  editions: Pick<EditionStore, 'get' | 'list' | 'getVariant' | 'getChart'>;
  publicUrl: string;
  /** Shown in every page and as the feed's title. */
  brand: Brand;
  /** How many editions the list and the feed show (default 60). */
  limit?: number;
}

/** Mail HTML carries inline styles and remote images, nothing else is allowed to run. */
const MAIL_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; font-src https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const Params = z.object({ id: z.string().max(64) });
const Query = z.object({ v: z.string().max(40).optional() });
const ChartParams = z.object({ id: z.string().max(64), file: z.string().max(80) });
/** A chart never changes once its edition is built: cache it for a year. */
const CHART_CACHE = 'public, max-age=31536000, immutable';

function notFound(brand: Brand, reply: FastifyReply) {
  return reply
    .code(404)
    .type('text/html; charset=utf-8')
    .send(
      messagePage(
        brand,
        'Edition not found',
        'There is no edition at this address. It may never have been sent, or it was withdrawn.',
        'err',
        html`<p><a href="/archive">See all past editions</a></p>`,
      ),
    );
}

export const archiveRoutes: FastifyPluginAsync<ArchiveOptions> = async (app, options) => {
  const title = options.brand.name;
  const limit = options.limit ?? 60;
  const published = async () => (await options.editions.list({ limit })).filter(isPublished);

  app.get('/archive', async (_req, reply) => {
    const editions = await published();
    const items = editions.map(
      (e) => html`<li><a href="/archive/${encodeURIComponent(e.id)}">${editionLabel(e)}</a>
<ul class="muted">${headlines(e).map((h) => html`<li>${h}</li>`)}</ul></li>`,
    );
    const body = html`<h1>Past editions</h1>
${items.length ? html`<ol class="archive">${items}</ol>` : html`<p>No editions yet.</p>`}
<p><a href="/archive/feed.xml">Atom feed</a></p>
<h2 id="your-links">Unsubscribe or change preferences</h2>
<p>Archive copies carry no personal links. Use the links at the bottom of the email you received,
or sign up again from the <a href="/">signup page</a> to set new preferences.</p>`;
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'public, max-age=300').send(page(options.brand, 'Past editions', body));
  });

  app.get('/archive/feed.xml', async (_req, reply) => {
    return reply
      .type('application/atom+xml; charset=utf-8')
      .header('Cache-Control', 'public, max-age=300')
      .send(atomFeed(await published(), { publicUrl: options.publicUrl, title }));
  });

  app.get('/archive/:id', async (req, reply) => {
    const { id } = Params.parse(req.params);
    const query = Query.safeParse(req.query);
    if (!EDITION_ID_PATTERN.test(id)) return notFound(options.brand, reply);
    const edition = await options.editions.get(id);
    if (!edition || !isPublished(edition)) return notFound(options.brand, reply);
    for (const key of archiveVariantOrder(edition, query.success ? query.data.v : undefined)) {
      const variant = await options.editions.getVariant(id, key);
      if (!variant) continue;
      return reply
        .type('text/html; charset=utf-8')
        .header('Content-Security-Policy', MAIL_CSP)
        .header('Cache-Control', 'public, max-age=3600')
        .send(archiveHtml(variant, options.publicUrl));
    }
    return notFound(options.brand, reply);
  });

  app.get('/charts/:id/:file', async (req, reply) => {
    const { id, file } = ChartParams.parse(req.params);
    const symbol = /^(.{1,32})\.png$/.exec(file)?.[1];
    const edition = symbol && EDITION_ID_PATTERN.test(id) ? await options.editions.get(id) : null;
    const png = edition && isPublished(edition) ? await options.editions.getChart(id, symbol!) : null;
    if (!png) return reply.code(404).type('text/plain; charset=utf-8').header('Cache-Control', 'no-store').send('chart not found');
    return reply.type('image/png').header('Cache-Control', CHART_CACHE).send(png);
  });
};
