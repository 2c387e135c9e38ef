// Test configuration: a unique KEY_PREFIX per test so tests share one Redis safely.
import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_SECRET = 'test-secret-key-that-is-long-enough-0123456789';

export function uniquePrefix(tag = 't'): string {
  return `mdtest-${tag}-${randomUUID().slice(0, 8)}`;
}

/** A full Config as the service would load it, with a fresh prefix unless given. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    REDIS_URL,
    KEY_PREFIX: uniquePrefix(),
    SECRET_KEY: TEST_SECRET,
    PUBLIC_URL: 'http://localhost:3000',
    SOURCES_FILE: 'config/sources.json',
    LOG_LEVEL: 'silent',
    MAIL_FROM: 'Market Digest <digest@news.example.com>',
    OUTBOX_DIR: '/tmp/market-digest-test-outbox',
    ...overrides,
  });
}
