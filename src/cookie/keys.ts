import { createHash, createSecretKey, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PayConfigError } from '../config-error.js';

/** The shortest secret accepted, in characters. */
export const MIN_SECRET_LENGTH = 32;

const GENERATE_HINT = 'generate one with `openssl rand -base64 48`';
// Fixed, public HKDF inputs: they separate these keys from any other use of the same secret.
const HKDF_SALT = 'govuk-pay-express/payment-cookie';
const HKDF_INFO = 'aes-256-gcm v1';
const KEY_ID_LABEL = 'govuk-pay-express/payment-cookie key id\0';
/** 6 bytes: 8 base64url characters, enough that two configured keys never share an id. */
const KEY_ID_BYTES = 6;

/** A derived cookie key and the public id that names it inside a sealed value. */
export interface CookieKey {
  readonly id: string;
  readonly key: KeyObject;
}

/**
 * Checks the secrets and derives one AES-256 key from each, once. The first key seals; every
 * key unseals, so a secret can be rotated by putting the new one first and keeping the old one
 * until every cookie it sealed has expired.
 */
export function deriveCookieKeys(secrets: unknown): CookieKey[] {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new PayConfigError(
      'ERR_PAY_COOKIE_SECRET',
      `cookie.secrets must be a non-empty array of strings, newest first; ${GENERATE_HINT}`,
    );
  }
  const raw: Buffer[] = [];
  const keys = secrets.map((secret: unknown, index): CookieKey => {
    if (typeof secret !== 'string') {
      throw new PayConfigError(
        'ERR_PAY_COOKIE_SECRET',
        `cookie.secrets[${index}] must be a string; ${GENERATE_HINT}`,
      );
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new PayConfigError(
        'ERR_PAY_COOKIE_SECRET',
        `cookie.secrets[${index}] must be at least ${MIN_SECRET_LENGTH} characters; ${GENERATE_HINT}`,
      );
    }
    const bytes = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32));
    // Compare derived keys, not the secrets themselves, and in constant time.
    const duplicateOf = raw.findIndex((other) => timingSafeEqual(other, bytes));
    if (duplicateOf !== -1) {
      throw new PayConfigError(
        'ERR_PAY_COOKIE_SECRET',
        `cookie.secrets[${index}] repeats cookie.secrets[${duplicateOf}]; remove the duplicate`,
      );
    }
    raw.push(bytes);
    // The id is a hash of the derived key, never of the secret, so it reveals nothing usable.
    const id = createHash('sha256')
      .update(KEY_ID_LABEL)
      .update(bytes)
      .digest()
      .subarray(0, KEY_ID_BYTES)
      .toString('base64url');
    return { id, key: createSecretKey(bytes) };
  });
  for (const bytes of raw) bytes.fill(0);
  if (new Set(keys.map((k) => k.id)).size !== keys.length) {
    // 48-bit ids: only reachable by an astronomically unlikely collision.
    throw new PayConfigError(
      'ERR_PAY_COOKIE_SECRET',
      `two cookie.secrets derive keys with the same id; replace one of them (${GENERATE_HINT})`,
    );
  }
  return keys;
}
