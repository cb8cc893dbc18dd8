/*
 * GOV.UK Pay's own rules, defined once (FACTS.md). Each names the source of the fact, so a
 * change at GOV.UK Pay is a change in one place.
 */

/** Test and live share one origin; the key decides which service and mode (FACTS §1). */
export const DEFAULT_API_BASE_URL = 'https://publicapi.payments.service.gov.uk';

/**
 * An API key as publicauth issues it (FACTS §1): `prefix + randomId + hmac`.
 * - prefix `api_test_` or `api_live_`, or none for very old keys;
 * - randomId: a 130-bit random number in base32hex (`0-9a-v`), so 26 characters, fewer when it
 *   happens to start with zeros (1 in 32 keys is 25 or shorter; below 20 is one in 2^30);
 * - hmac: exactly 32 characters of lower-case base32hex (HMAC-SHA1 is 160 bits, 5 bits a char).
 * Together that is 33 to 58 characters of `0-9a-v` after the prefix. The split between the two
 * parts cannot be seen, so the pattern bounds their sum. Upper case is refused: publicauth never
 * issues it, and publicapi would answer 401 to a key whose checksum it changed.
 */
export const API_KEY_PATTERN = /^(?:api_(?:test|live)_)?[0-9a-v]{33,58}$/;

/** What the pattern above says, for messages that tell a developer how to fix a key. */
export const API_KEY_FORMAT_HINT =
  'api_test_ or api_live_ followed by 33 to 58 characters of 0-9 and a-v, as the GOV.UK Pay admin tool shows it once when the key is made';

/** True only for a key that says it is a test key: an unprefixed old key may be live. */
export function isTestApiKey(key: string): boolean {
  return key.startsWith('api_test_');
}

/**
 * `payment_id` and `agreement_id`: exactly 26 characters of base32hex, left-padded with `0`
 * (FACTS §1, connector's RandomIdGenerator).
 */
export const PAYMENT_ID_PATTERN = /^[0-9a-v]{26}$/;

/** The largest amount GOV.UK Pay takes in one payment or refund, in pence: £100,000 (FACTS §3.1). */
export const MAX_AMOUNT = 10_000_000;

/** An unfinished payment expires 90 minutes after creation, P0020 (FACTS §3.2, §15). */
export const PAYMENT_EXPIRY_MINUTES = 90;
export const PAYMENT_EXPIRY_MS = PAYMENT_EXPIRY_MINUTES * 60_000;
