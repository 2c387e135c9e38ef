// Address normalisation: the unique key of a subscriber. Trimmed, lower-cased,
// IDN domain in punycode, at most 254 characters (RFC 5321 path limit).
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';

export class InvalidAddressError extends Error {
  override name = 'InvalidAddressError';
}

// Deliberately conservative: printable ASCII local part without quotes or spaces.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// Already in its ASCII form (no IDN, no punycode to check, a letters-only TLD that URL
// rules cannot read as a number): domainToASCII would return it unchanged.
const PLAIN_DOMAIN = /^(?:[a-z0-9-]+\.)+[a-z]{2,63}$/;

export function normaliseEmail(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed.length === 0) throw new InvalidAddressError('email is required');
  if (/[\r\n\0]/.test(trimmed)) throw new InvalidAddressError('email contains line breaks');
  if (trimmed.length > 254) throw new InvalidAddressError('email is longer than 254 characters');
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) throw new InvalidAddressError('email must look like name@example.com');
  const local = trimmed.slice(0, at);
  const domainRaw = trimmed.slice(at + 1).replace(/\.$/, '');
  if (!LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    throw new InvalidAddressError('email has an invalid name part');
  }
  const lower = domainRaw.toLowerCase();
  const domain = PLAIN_DOMAIN.test(lower) && !lower.includes('xn--') ? lower : domainToASCII(lower);
  const labels = domain.split('.');
  if (!domain || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) {
    throw new InvalidAddressError('email has an invalid domain');
  }
  const email = `${local.toLowerCase()}@${domain}`;
  if (email.length > 254) throw new InvalidAddressError('email is longer than 254 characters');
  return email;
}

/** Stable, non-reversible key for an address (suppression entries outlive the person's data). */
export function emailHash(normalisedEmail: string): string {
  return createHash('sha256').update(normalisedEmail).digest('hex');
}

/** A normalised address with its hash: worked out once per request and passed along. */
export interface Address {
  email: string;
  hash: string;
}

export function toAddress(raw: string): Address {
  const email = normaliseEmail(raw);
  return { email, hash: emailHash(email) };
}
