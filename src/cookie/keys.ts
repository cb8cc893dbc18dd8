import { createHash, createSecretKey, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PayConfigError } from '../config-error.js';
import { listOption, optionPath, requireOption, secretOption } from '../options/index.js';

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
 * The one rule for the cookie's secrets, for `payJourney({ cookie })` and the sealer alike: a
 * non-empty array, newest first, each a string of at least 32 characters.
 */
export function cookieSecretsOption(value: unknown, path = 'cookie.secrets'): string[] {
  const given = requireOption(
    value,
    path,
    `[process.env.PAY_COOKIE_SECRET], each at least ${MIN_SECRET_LENGTH} characters; ${GENERATE_HINT}`,
    'ERR_PAY_COOKIE_SECRET',
  );
  return listOption(
    given,
    path,
    {
      describe: `secrets, newest first, each at least ${MIN_SECRET_LENGTH} characters; ${GENERATE_HINT}`,
      code: 'ERR_PAY_COOKIE_SECRET',
    },
    (secret, itemPath) =>
      secretOption(secret, itemPath, {
        minLength: MIN_SECRET_LENGTH,
        hint: GENERATE_HINT,
        code: 'ERR_PAY_COOKIE_SECRET',
      }) as string,
  ) as string[];
}

/**
 * Checks the secrets and derives one AES-256 key from each, once. The first key seals; every
 * key unseals, so a secret can be rotated by putting the new one first and keeping the old one
 * until every cookie it sealed has expired.
 */
export function deriveCookieKeys(secrets: unknown, path = 'cookie.secrets'): CookieKey[] {
  const checked = cookieSecretsOption(secrets, path);
  const raw: Buffer[] = [];
  const keys = checked.map((secret, index): CookieKey => {
    const bytes = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32));
    // Compare derived keys, not the secrets themselves, and in constant time.
    const duplicateOf = raw.findIndex((other) => timingSafeEqual(other, bytes));
    if (duplicateOf !== -1) {
      throw new PayConfigError(
        'ERR_PAY_COOKIE_SECRET',
        `${optionPath(path, index)} repeats ${optionPath(path, duplicateOf)}; remove the duplicate`,
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
      `two ${path} derive keys with the same id; replace one of them (${GENERATE_HINT})`,
    );
  }
  return keys;
}
