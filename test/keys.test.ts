import { describe, expect, it } from 'vitest';
import { keyspace, queuePrefix } from '../src/keys.js';

// CRC16/XMODEM, as Redis Cluster uses it (key slot = crc16(hash tag or key) mod 16384).
function slotOf(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

describe('keys in a cluster', () => {
  it('every key of the keyspace hashes to the slot of the prefix hash tag, so every script and MULTI stays in one slot', () => {
    const keys = keyspace('{md}');
    const slot = slotOf('{md}');
    const samples = Object.entries(keys)
      .filter(([, v]) => typeof v === 'function')
      .map(([name, f]) => [name, (f as (...a: string[]) => string)('a', 'b', 'c')] as const);
    expect(samples.length).toBeGreaterThan(30);
    for (const [name, key] of samples) expect({ name, slot: slotOf(key) }).toEqual({ name, slot });
  });

  it('gives each queue its own hash tag in a cluster, and keeps KEY_PREFIX on one server', () => {
    expect(queuePrefix('{md}', 'send', true)).toBe('{md.send}');
    expect(queuePrefix('app-{md}', 'fanout', true)).toBe('app-{md.fanout}');
    expect(queuePrefix('{md}', 'send', false)).toBe('{md}');
    expect(new Set(['ingest', 'edition', 'fanout', 'send', 'system-mail'].map((q) => slotOf(`${queuePrefix('{md}', q, true)}:${q}:wait`))).size).toBeGreaterThan(1);
  });
});
