import { API_KEY_FORMAT_HINT, API_KEY_PATTERN } from '../govuk-pay/index.js';
import { randomFillSync, randomUUID } from 'node:crypto';

/** GOV.UK Pay's external ids use base32hex in lower case: the digits then a-v (FACTS.md §1). */
const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

// Filling one pool per 4 KiB avoids a syscall per id when a benchmark creates 100,000 payments.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomBase32(length: number): string {
  if (poolOffset + length > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let out = '';
  for (let i = 0; i < length; i++) {
    // 256 is a multiple of 32, so masking a byte keeps every character equally likely.
    out += BASE32HEX[(pool[poolOffset + i] as number) & 31];
  }
  poolOffset += length;
  return out;
}

/** A payment, refund or page id: exactly 26 characters of `0-9a-v`, like GOV.UK Pay's. */
export function newExternalId(): string {
  return randomBase32(26);
}

/** A `next_url` token: a random UUID v4, as GOV.UK Pay mints them. */
export function newToken(): string {
  return randomUUID();
}

/** An opaque id for a browser that opened a hosted payment page. */
export function newBrowserId(): string {
  return randomBase32(32);
}

/** A sandbox provider transaction id (`provider_id`). */
export function newProviderId(): string {
  return randomUUID();
}

/**
 * A well-formed API key for the simulator: the prefix, a 26-character random id and a
 * 32-character tail where the real key carries its HMAC, 67 characters in all like a real key.
 * The simulator cannot check the real HMAC, so any such key is accepted unless `apiKeys` is set.
 */
export function generateTestApiKey(kind: 'test' | 'live' = 'test'): string {
  if (kind !== 'test' && kind !== 'live') {
    throw new TypeError(`generateTestApiKey: kind must be 'test' or 'live', not ${String(kind)}`);
  }
  return `api_${kind}_${randomBase32(26)}${randomBase32(32)}`;
}

/**
 * A key the simulator serves: GOV.UK Pay's format (src/govuk-pay), with the `api_test_` or
 * `api_live_` prefix that tells the simulator which mode its account is in.
 */
export function isSimulatorApiKey(key: string): boolean {
  return /^api_(?:test|live)_/.test(key) && API_KEY_PATTERN.test(key);
}

/** For messages: what a well-formed key looks like, and how to make one. */
export const SIMULATOR_API_KEY_HINT = `it must be ${API_KEY_FORMAT_HINT}; make one with generateTestApiKey()`;
