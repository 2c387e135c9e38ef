// Canonical story URLs: absolute, no tracking parameters, no fragment, AMP collapsed.
// `urlKey` goes further (https, no www, sorted query, no trailing slash) and is
// only for deciding that two links are the same article.

const TRACKING = [/^utm_/i, /^at_/i, /^mc_/i, /^ga_/i, /^_hs/i, /^pk_/i, /^guce_/i];
const TRACKING_EXACT = new Set([
  'fbclid', 'gclid', 'dclid', 'gclsrc', 'msclkid', 'yclid', 'igshid', 'twclid', 'ocid', 'cmpid', 'smid', 'smtyp',
  'guccounter', 'mkt_tok', 'ref_src', 'ref_url', 'sr_share', 'cmp', 'ito', 'ns_mchannel', 'ns_source',
  'ns_campaign', 'ns_linkname', 'ns_fee', 'xtor', 'amp', 'outputtype', '_ga', 'wt.mc_id',
]);

function isTracking(name: string, value: string): boolean {
  const n = name.toLowerCase();
  if (n === 'outputtype') return value.toLowerCase() === 'amp';
  return TRACKING_EXACT.has(n) || TRACKING.some((re) => re.test(n));
}

/** Absolute http(s) URL without tracking or AMP, or null when the link is unusable. */
export function canonicalUrl(link: string | null | undefined, base: string): string | null {
  if (!link) return null;
  let url: URL;
  try {
    url = new URL(link.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // Google AMP cache: https://www-example-com.cdn.ampproject.org/c/s/www.example.com/path
  const cache = /^\/[cv]\/(s\/)?([^/]+)(\/.*)?$/.exec(url.pathname);
  if (url.hostname.endsWith('.cdn.ampproject.org') && cache) {
    url = new URL(`${cache[1] ? 'https' : 'http'}://${cache[2]}${cache[3] ?? '/'}${url.search}`);
  }
  // Each URL setter re-serialises the URL: touch only what needs changing.
  if (url.hash) url.hash = '';
  if (url.username || url.password) {
    url.username = '';
    url.password = '';
  }
  const host = url.hostname.toLowerCase().replace(/^amp\./, '');
  if (host !== url.hostname) url.hostname = host;
  if (url.search) {
    for (const [name, value] of [...url.searchParams]) {
      if (isTracking(name, value)) url.searchParams.delete(name);
    }
  }
  if (/amp/i.test(url.pathname)) {
    url.pathname = url.pathname
      .replace(/\/amp\/?$/i, '/')
      .replace(/\/amp\//i, '/')
      .replace(/\.amp(\.html?)?$/i, (_m, ext: string | undefined) => ext ?? '');
  }
  return url.href;
}

/** Identity of an article for de-duplication. */
export function urlKey(canonical: string): string {
  const url = new URL(canonical);
  url.protocol = 'https:';
  url.hostname = url.hostname.replace(/^www\./, '');
  url.port = '';
  url.searchParams.sort();
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : '';
  return `${url.hostname}${path}${url.search}`;
}

/** `candidate` resolved against `base`, or `base` when there is none or it does not parse. */
export function absoluteOr(candidate: string | null | undefined, base: string): string {
  if (!candidate?.trim()) return base;
  try {
    return new URL(candidate.trim(), base).href;
  } catch {
    return base;
  }
}
