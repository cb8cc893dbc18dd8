import { createCipheriv, createDecipheriv } from 'node:crypto';
import {
  functionOption,
  optionPath,
  optionsObject,
  rejectUnknownKeys,
  requireOption,
  stringOption,
} from '../options/index.js';
import type { StringRule } from '../options/index.js';
import type { PaymentRecord } from '../store/index.js';
import { decodeCanonicalBase64url } from './base64url.js';
import { createRandomPool } from './random-pool.js';
import { deriveCookieKeys } from './keys.js';
import type { CookieKey } from './keys.js';
import { decodePayload, encodePayload, invalidRecordField } from './payload.js';

/**
 * The longest sealed value accepted, in characters. Browsers drop cookies over about 4 KB, so
 * anything longer was not set by us and is refused before any decoding work.
 */
export const MAX_SEALED_COOKIE_LENGTH = 4096;

const VERSION = 'v1';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// base64url lengths of the fixed-size parts; the cipher text is at least one byte (2 chars).
const IV_CHARS = 16;
const TAG_CHARS = 22;
const MIN_SEALED_LENGTH = VERSION.length + 8 + IV_CHARS + 2 + TAG_CHARS + 4;

/**
 * The one rule for a cookie's name: an RFC 6265 token, at most 64 characters so the name and
 * its attributes stay far below what a browser keeps.
 */
export const COOKIE_NAME_RULE: StringRule = {
  pattern: /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/,
  describe: "1 to 64 letters, digits or !#$%&'*+-.^_`|~, such as 'govuk_pay'",
};

/** Options of {@link createPaymentCookieSealer}. */
export interface PaymentCookieSealerOptions {
  /**
   * Secrets the cookie keys are derived from, newest first. The first seals; every one unseals,
   * so a secret is rotated by adding the new one in front and dropping the old one once its
   * cookies have expired. Each must be at least 32 random characters
   * (`openssl rand -base64 48`). Required.
   */
  secrets: readonly string[];
  /**
   * Name of the cookie the value is set under. It is bound into every sealed value, so a value
   * copied into a cookie of another name does not unseal. Required.
   */
  cookieName: string;
  /**
   * The clock, in epoch milliseconds, used for the expiry sealed into each value.
   * @default Date.now
   */
  now?: () => number;
}

/** Seals a payment record into a cookie value, and reads it back. */
export interface PaymentCookieSealer {
  /**
   * Encrypts and authenticates `record` with the newest key, with an absolute expiry `ttlMs`
   * milliseconds from now, bound to `context` (such as the journey it belongs to): a value sealed
   * for one context does not unseal in another. Throws a TypeError or RangeError on a record that could never be
   * unsealed, or a ttlMs that is not a positive number: both are programming errors.
   */
  seal(record: PaymentRecord, ttlMs: number, context?: string): string;
  /**
   * The record sealed in `value`, or undefined when `value` is anything but a live value sealed
   * by one of the configured keys for this cookie name and `context`. Never throws.
   */
  unseal(value: unknown, context?: string): PaymentRecord | undefined;
}

const OPTION_NAMES = [
  'secrets',
  'cookieName',
  'now',
] as const satisfies readonly (keyof PaymentCookieSealerOptions)[];
const WHERE = 'createPaymentCookieSealer';

/**
 * Builds the sealer for the payment cookie: AES-256-GCM with a random 96-bit IV per value, keys
 * derived once from `secrets` with HKDF-SHA256, the version and cookie name bound in as
 * associated data. A sealed value reads `v1.<key id>.<iv>.<cipher text>.<tag>`, in base64url.
 */
export function createPaymentCookieSealer(
  options: PaymentCookieSealerOptions,
): PaymentCookieSealer {
  const record = optionsObject(options, WHERE, '{ secrets, cookieName }');
  rejectUnknownKeys(record, OPTION_NAMES, WHERE);
  const cookieName = stringOption(
    requireOption(
      record.cookieName,
      optionPath(WHERE, 'cookieName'),
      "a cookie name such as 'govuk_pay'",
    ),
    optionPath(WHERE, 'cookieName'),
    COOKIE_NAME_RULE,
  ) as string;
  const now = functionOption(
    record.now,
    optionPath(WHERE, 'now'),
    'a clock returning epoch milliseconds; leave it out to use Date.now',
    Date.now,
  );

  const keys = deriveCookieKeys(record.secrets, optionPath(WHERE, 'secrets'));
  const sealingKey = keys[0] as CookieKey;
  const keysById = new Map(keys.map((key) => [key.id, key]));
  // The version and cookie name are authenticated though not sent: a value sealed for another
  // cookie, or by another format version, fails its tag.
  const associatedData = Buffer.from(`govuk-pay-express:${VERSION}:${cookieName}`, 'utf8');
  const contextData = new Map<string, Buffer>();
  /** The associated data for a context; the few contexts of one journey are computed once. */
  function associatedDataFor(context: string | undefined): Buffer {
    if (context === undefined) return associatedData;
    let data = contextData.get(context);
    if (data === undefined) {
      data = Buffer.concat([associatedData, Buffer.from(`:${context}`, 'utf8')]);
      // Bounded: a journey has one context per mount path, and a request cannot add more.
      if (contextData.size < 64) contextData.set(context, data);
    }
    return data;
  }
  const prefix = `${VERSION}.${sealingKey.id}.`;
  const nextIv = createRandomPool(IV_BYTES);

  function seal(record: PaymentRecord, ttlMs: number, context?: string): string {
    const invalidField = invalidRecordField(record);
    if (invalidField !== undefined) {
      const problem =
        invalidField === 'record'
          ? 'it is not an object'
          : `its ${invalidField} is missing or invalid`;
      throw new TypeError(`govuk-pay-express: cannot seal the payment record: ${problem}`);
    }
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new RangeError('govuk-pay-express: the cookie ttlMs must be a positive number');
    }
    const expiresAt = now() + ttlMs;
    if (!Number.isFinite(expiresAt)) {
      throw new RangeError('govuk-pay-express: the cookie clock now() must return a finite number');
    }
    // The view is used at once, before the pool can hand its bytes out again.
    const iv = nextIv();
    const cipher = createCipheriv(CIPHER, sealingKey.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedDataFor(context));
    const plaintext = encodePayload(record, expiresAt);
    const ciphertext = cipher.update(plaintext, 'utf8');
    // GCM is a stream mode: final() only computes the tag and returns no bytes.
    cipher.final();
    const sealed = `${prefix}${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${cipher
      .getAuthTag()
      .toString('base64url')}`;
    if (sealed.length > MAX_SEALED_COOKIE_LENGTH) {
      throw new RangeError(
        `govuk-pay-express: the sealed payment cookie would be ${sealed.length} characters, over the ${MAX_SEALED_COOKIE_LENGTH} browsers keep; shorten the reference`,
      );
    }
    return sealed;
  }

  function unseal(value: unknown, context?: string): PaymentRecord | undefined {
    if (
      typeof value !== 'string' ||
      value.length > MAX_SEALED_COOKIE_LENGTH ||
      value.length < MIN_SEALED_LENGTH
    ) {
      return undefined;
    }
    const parts = value.split('.', 6);
    if (parts.length !== 5 || parts[0] !== VERSION) return undefined;
    const [, keyId, ivText, ciphertextText, tagText] = parts as [
      string,
      string,
      string,
      string,
      string,
    ];
    const key = keysById.get(keyId);
    if (key === undefined || ivText.length !== IV_CHARS || tagText.length !== TAG_CHARS) {
      return undefined;
    }
    const iv = decodeCanonicalBase64url(ivText);
    const ciphertext = decodeCanonicalBase64url(ciphertextText);
    const tag = decodeCanonicalBase64url(tagText);
    if (iv === undefined || ciphertext === undefined || tag === undefined) return undefined;
    if (ciphertext.length === 0) return undefined;
    let plaintext: string;
    try {
      const decipher = createDecipheriv(CIPHER, key.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedDataFor(context));
      // GCM verifies the tag in constant time inside OpenSSL, in final().
      decipher.setAuthTag(tag);
      const decrypted = decipher.update(ciphertext);
      decipher.final();
      plaintext = decrypted.toString('utf8');
    } catch {
      return undefined;
    }
    try {
      return decodePayload(plaintext, now());
    } catch {
      // A clock that throws must not turn a bad cookie into a 500.
      return undefined;
    }
  }

  return { seal, unseal };
}
