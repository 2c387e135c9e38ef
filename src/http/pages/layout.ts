// The page frame shared by every server-rendered page.
import { html, type SafeHtml } from '../../html.js';

export function page(title: string, body: SafeHtml, options: { wide?: boolean; scripts?: string[] } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Daily Stock Markets News</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<header class="site"><a href="/">Daily Stock Markets News</a></header>
<main${options.wide ? html` class="wide"` : ''}>
${body}
</main>
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</body>
</html>`.value;
}

/** A friendly message page (errors, results). */
export function messagePage(title: string, message: string, kind: 'ok' | 'err' = 'ok', extra?: SafeHtml): string {
  return page(
    title,
    html`<h1>${title}</h1>
<p class="notice ${kind}" role="status">${message}</p>
${extra ?? ''}
<p class="muted"><a href="/">Back to the signup page</a></p>`,
  );
}
