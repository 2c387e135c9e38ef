// Which addresses a feed or quote fetch may connect to. Everything that is not
// public unicast (loopback, RFC 1918, fc00::/7, link-local and cloud metadata,
// CGNAT, multicast, unspecified, reserved) is private, and so is a public-looking
// IPv6 form that embeds one of those IPv4 addresses (mapped, compatible, NAT64, 6to4).
// The check runs in the socket's own DNS lookup, on every address a name resolves
// to, so what is checked is what is connected (no DNS-rebinding gap).
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

const PUBLIC_V4 = new Set(['unicast', 'as112', 'amt']);
const PUBLIC_V6 = new Set(['unicast', 'as112v6', 'amt']);
/** IPv6 ranges whose last 32 bits are an IPv4 address the packets end up at. */
const EMBEDS_V4_LOW = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052']);

/** The private range an address falls in ("loopback", "private", "linkLocal"…), or null when it is public. */
export function privateRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') {
    const range = (ip as ipaddr.IPv4).range();
    return PUBLIC_V4.has(range) ? null : range;
  }
  const v6 = ip as ipaddr.IPv6;
  const range = v6.range();
  const p = v6.parts;
  // ::a.b.c.d (IPv4-compatible, deprecated) is not a range of its own in ipaddr.js.
  const compatible = p.slice(0, 6).every((x) => x === 0) && range !== 'loopback' && range !== 'unspecified';
  if (EMBEDS_V4_LOW.has(range) || compatible) return privateRange(v4From(p[6]!, p[7]!)) ?? null;
  if (range === '6to4') return privateRange(v4From(p[1]!, p[2]!));
  return PUBLIC_V6.has(range) ? null : range;
}

const v4From = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** A connection the guard refused; `address` is the one that was refused. */
export class PrivateAddressError extends Error {
  override name = 'PrivateAddressError';
  readonly code = 'EPRIVATEADDRESS';
  constructor(
    readonly address: string,
    message: string,
  ) {
    super(message);
  }
}

export const refusalMessage = (address: string) => `refused: private address ${address}; set allowPrivate on this source to allow it`;

/** Throws PrivateAddressError for a private address (unless allowed). */
export function checkAddress(address: string, allowPrivate: boolean): void {
  if (!allowPrivate && privateRange(address) !== null) throw new PrivateAddressError(address, refusalMessage(address));
}

/** A dns.lookup for http.request that refuses private addresses before the socket connects. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      try {
        for (const a of addresses) checkAddress(a.address, allowPrivate);
      } catch (refused) {
        return callback(refused as PrivateAddressError, '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** An IP literal in the URL's host (Node connects to it without a lookup), else null. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : null;
}
