import { describe, expect, it } from 'vitest';
import { parseBasicAuth, secretsEqual } from '../../src/http/secrets.js';

describe('shared secrets', () => {
  it('compares secrets of any length', () => {
    expect(secretsEqual('s3cret-value', 's3cret-value')).toBe(true);
    expect(secretsEqual('s3cret-valu', 's3cret-value')).toBe(false);
    expect(secretsEqual('', 's3cret-value')).toBe(false);
  });

  it('reads Basic credentials, and nothing else', () => {
    expect(parseBasicAuth(`Basic ${Buffer.from('postmark:pa:ss').toString('base64')}`)).toEqual({ user: 'postmark', password: 'pa:ss' });
    expect(parseBasicAuth(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBeNull();
    expect(parseBasicAuth('Bearer abc')).toBeNull();
    expect(parseBasicAuth(undefined)).toBeNull();
  });
});
