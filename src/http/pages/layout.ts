// The page frame shared by every server-rendered page: the brand (SITE_NAME, SITE_URL,
// LOGO_URL) in the header and the title; BRAND_COLOR arrives through /assets/site.css.
import type { Brand } from '../../brand.js';
import { html, type SafeHtml } from '../../html.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by buildApp: what every page shows as the product. */
    brand: Brand;
  }
}

export function page(brand: Brand, title: string, body: SafeHtml, options: { wide?: boolean; scripts?: string[] } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${brand.name}</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<header class="site"><a href="${brand.url}">${brand.logoUrl ? html`<img src="${brand.logoUrl}" alt="" class="logo">` : ''}${brand.name}</a></header>
<main${options.wide ? html` class="wide"` : ''}>
${body}
</main>
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</body>
</html>`.value;
}

/** A friendly message page (errors, results). */
export function messagePage(brand: Brand, title: string, message: string, kind: 'ok' | 'err' = 'ok', extra?: SafeHtml): string {
  return page(
    brand,
    title,
    html`<h1>${title}</h1>
<p class="notice ${kind}" role="status">${message}</p>
${extra ?? ''}
<p class="muted"><a href="/">Back to the signup page</a></p>`,
  );
}
