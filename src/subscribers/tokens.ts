// Link tokens: base64url(payload).base64url(HMAC-SHA256). Purpose-bound, versioned
// (bumping the subscriber's tokenVersion revokes old links), optionally expiring,
// and carrying the subscriber id only — never the address.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

// Random bytes are drawn a few kilobytes at a time (as crypto.randomUUID does): a digest signs
// two links per reader, and a call into the random generator per link showed in profiles.
const POOL = 6 * 1024;
let pool = Buffer.alloc(0);
let used = POOL;
/** 6 random bytes, base64url: makes each token distinct (its strength is the HMAC). */
function nonce(): string {
  if (used + 6 > pool.length) {
    pool = randomBytes(POOL);
    used = 0;
  }
  used += 6;
  return pool.toString('base64url', used - 6, used);
}

export const TOKEN_PURPOSES = ['confirm', 'unsubscribe', 'preferences'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

export type InvalidTokenReason = 'malformed' | 'bad-signature' | 'wrong-purpose' | 'expired' | 'revoked' | 'unknown-subscriber';

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
  constructor(
    readonly reason: InvalidTokenReason,
    /** Set when the signature was good but the token expired: the page can offer a fresh link. */
    readonly subscriberId?: string,
  ) {
    super(`invalid token: ${reason}`);
  }
}

const PayloadSchema = z.object({
  k: z.literal(1),
  p: z.enum(TOKEN_PURPOSES),
  s: z.string().regex(/^\d{1,20}$/),
  v: z.number().int().min(0),
  e: z.number().int().optional(),
  n: z.string(),
});

export interface VerifiedToken {
  subscriberId: string;
  version: number;
}

export interface Tokens {
  sign(purpose: TokenPurpose, subscriberId: string, version: number, ttlSec?: number): string;
  verify(token: string, purpose: TokenPurpose, now?: Date): VerifiedToken;
}

export const CONFIRM_TTL_SEC = 48 * 3600;

export function createTokens(secret: string): Tokens {
  // Derive a key for tokens only, so SECRET_KEY can sign other things without overlap.
  const key = createHmac('sha256', secret).update('market-digest/link-token/v1').digest();
  const mac = (data: string) => createHmac('sha256', key).update(data).digest();

  return {
    sign(purpose, subscriberId, version, ttlSec) {
      const payload = {
        k: 1,
        p: purpose,
        s: subscriberId.replace(/^0+(?=\d)/, ''),
        v: version,
        ...(ttlSec ? { e: Math.floor(Date.now() / 1000) + ttlSec } : {}),
        n: nonce(),
      };
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(body).toString('base64url')}`;
    },
    verify(token, purpose, now = new Date()) {
      if (typeof token !== 'string' || token.length > 512) throw new InvalidTokenError('malformed');
      const parts = token.split('.');
      if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) {
        throw new InvalidTokenError('malformed');
      }
      const given = Buffer.from(parts[1]!, 'base64url');
      // One spelling per token: base64url's last character can carry unused bits, and a
      // token that differs only there must not verify.
      if (given.toString('base64url') !== parts[1] || Buffer.from(parts[0]!, 'base64url').toString('base64url') !== parts[0]) {
        throw new InvalidTokenError('malformed');
      }
      const expected = mac(parts[0]!);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new InvalidTokenError('bad-signature');
      }
      let payload: z.infer<typeof PayloadSchema>;
      try {
        payload = PayloadSchema.parse(JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')));
      } catch {
        throw new InvalidTokenError('malformed');
      }
      const subscriberId = payload.s.padStart(12, '0');
      if (payload.p !== purpose) throw new InvalidTokenError('wrong-purpose');
      if (payload.e !== undefined && payload.e * 1000 < now.getTime()) throw new InvalidTokenError('expired', subscriberId);
      return { subscriberId, version: payload.v };
    },
  };
}
