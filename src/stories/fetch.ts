// One HTTP GET with the limits a hostile or broken server cannot push past:
// connect and total timeouts, a byte cap enforced while streaming (after
// decompression), a redirect cap, conditional GET, gzip/deflate/br, and no
// private address at any hop unless the source allows it (address-guard.ts).
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { checkAddress, guardedLookup, literalAddress, PrivateAddressError } from './address-guard.js';

export type FetchErrorKind = 'timeout' | 'too-large' | 'http' | 'redirects' | 'network' | 'html' | 'parse' | 'refused';

/** Why a source gave us nothing usable; the ingest run records it and goes on. */
export class SourceFetchError extends Error {
  override name = 'SourceFetchError';
  constructor(
    readonly kind: FetchErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface FetchOptions {
  userAgent: string;
  accept?: string;
  /** Time to open the TCP/TLS connection. Default 5 s. */
  connectTimeoutMs?: number;
  /** Time for the whole exchange, body included. Default 20 s. */
  totalTimeoutMs?: number;
  /** Cap on decoded body bytes. Default 5 MB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  etag?: string;
  lastModified?: string;
  /**
   * Allow loopback/private/link-local addresses (a feed on the operator's own network).
   * Even then a redirect may not move to another host or port that is private. Default false.
   */
  allowPrivate?: boolean;
}

export type FetchResult =
  | { notModified: true; url: string; status: 304 }
  | {
      notModified: false;
      url: string;
      status: number;
      body: Buffer;
      contentType?: string;
      etag?: string;
      lastModified?: string;
    };

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

export async function fetchUrl(url: string, opts: FetchOptions): Promise<FetchResult> {
  const deadline = Date.now() + (opts.totalTimeoutMs ?? 20_000);
  let current = url;
  for (let hop = 0; ; hop++) {
    // allowPrivate covers the source's own host and port, not wherever it redirects.
    const allowPrivate = (opts.allowPrivate ?? false) && sameHostAndPort(current, url);
    const res = await getOnce(current, opts, deadline, allowPrivate);
    if ('redirect' in res) {
      if (hop >= (opts.maxRedirects ?? 5)) throw new SourceFetchError('redirects', `more than ${opts.maxRedirects ?? 5} redirects`);
      current = new URL(res.redirect, current).href;
      continue;
    }
    return res;
  }
}

type Once = FetchResult | { redirect: string };

function sameHostAndPort(a: string, b: string): boolean {
  const x = new URL(a);
  const y = new URL(b);
  const port = (u: URL) => u.port || (u.protocol === 'https:' ? '443' : '80');
  return x.hostname === y.hostname && port(x) === port(y);
}

const refused = (err: PrivateAddressError, allowedAtSource: boolean) =>
  new SourceFetchError(
    'refused',
    allowedAtSource ? `refused: redirect to private address ${err.address} on another host or port than the source's` : err.message,
  );

function getOnce(url: string, opts: FetchOptions, deadline: number, allowPrivate: boolean): Promise<Once> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new SourceFetchError('network', `unsupported protocol ${target.protocol}`));
  }
  const literal = literalAddress(target.hostname);
  try {
    if (literal) checkAddress(literal, allowPrivate);
  } catch (err) {
    return Promise.reject(refused(err as PrivateAddressError, opts.allowPrivate ?? false));
  }
  const lib = target.protocol === 'https:' ? https : http;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent,
    accept: opts.accept ?? 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
    'accept-encoding': 'gzip, deflate, br',
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;

  return new Promise<Once>((resolve, reject) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (err: Error | null, value?: Once) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(value!);
    };
    const req = lib.get(target, { headers, agent: false, lookup: guardedLookup(allowPrivate) }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && status !== 304 && location) {
        res.resume();
        return finish(null, { redirect: location });
      }
      if (status === 304) {
        res.resume();
        return finish(null, { notModified: true, url, status: 304 });
      }
      if (status < 200 || status >= 300) {
        res.resume();
        const retry = res.headers['retry-after'] ? ` (retry-after ${res.headers['retry-after']})` : '';
        return finish(new SourceFetchError('http', `HTTP ${status}${retry}`, status));
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        return finish(new SourceFetchError('too-large', `content-length ${declared} over ${maxBytes} bytes`));
      }
      let stream: Readable = res;
      const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
      if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.pipe(zlib.createGunzip());
      else if (encoding === 'deflate') stream = res.pipe(zlib.createInflate());
      else if (encoding === 'br') stream = res.pipe(zlib.createBrotliDecompress());
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          finish(new SourceFetchError('too-large', `body over ${maxBytes} bytes`));
          stream.destroy();
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (err) => finish(new SourceFetchError('network', `body: ${err.message}`)));
      res.on('aborted', () => finish(new SourceFetchError('network', 'connection closed mid-body')));
      stream.on('end', () =>
        finish(null, {
          notModified: false,
          url,
          status,
          body: Buffer.concat(chunks),
          contentType: res.headers['content-type'],
          etag: headerOne(res.headers.etag),
          lastModified: headerOne(res.headers['last-modified']),
        }),
      );
    });
    req.on('error', (err) =>
      finish(err instanceof PrivateAddressError ? refused(err, opts.allowPrivate ?? false) : new SourceFetchError('network', err.message)),
    );
    const remaining = Math.max(1, deadline - Date.now());
    timers.push(setTimeout(() => finish(new SourceFetchError('timeout', `no complete answer within ${opts.totalTimeoutMs ?? 20_000} ms`)), remaining));
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const t = setTimeout(() => finish(new SourceFetchError('timeout', `connect timeout ${opts.connectTimeoutMs ?? 5000} ms`)), opts.connectTimeoutMs ?? 5000);
      timers.push(t);
      socket.once('connect', () => clearTimeout(t));
    });
  });
}

function headerOne(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Cloudflare challenges, Stooq's proof-of-work page, CMS error pages: 200 with HTML. */
export function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 2048).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return true;
  if (head.startsWith('<?xml') || head.startsWith('<rss') || head.startsWith('<feed') || head.startsWith('<rdf')) return false;
  return /^(<!--[\s\S]*?-->\s*)*<(head|body|script|meta|title)\b/.test(head);
}
