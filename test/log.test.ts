import { describe, expect, it } from 'vitest';
import { redactAddresses } from '../src/log.js';

describe('redactAddresses', () => {
  it('removes addresses from SMTP replies', () => {
    expect(redactAddresses('550 5.1.1 <ann@example.com>: Recipient address rejected')).toBe('550 5.1.1 <[address]>: Recipient address rejected');
    expect(redactAddresses('user bob.s+x@mail.example.org unknown')).toBe('user [address] unknown');
    expect(redactAddresses('421 try again later')).toBe('421 try again later');
  });
});
