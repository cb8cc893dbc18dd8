import { createHmac, timingSafeEqual } from 'node:crypto';

/** A `Pay-Signature` is the 32-byte HMAC-SHA256 as 64 hex characters (FACTS §14). */
const SIGNATURE_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * GOV.UK Pay's `Pay-Signature` for a webhook body: lower-case hex HMAC-SHA256 over the exact
 * bytes sent, keyed with the UTF-8 bytes of the whole signing secret (`webhook_live_…`).
 */
export function signWebhookBody(body: string | Buffer, secret: string): string {
  return hmac(body, secret).toString('hex');
}

function hmac(body: string | Buffer, secret: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest();
}

/**
 * True when `a` and `b` hold the same bytes, in time that depends only on their length: there
 * is no early exit at the first differing byte. Buffers of different lengths are simply unequal
 * (lengths are public: a signature is always 32 bytes).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/**
 * Checks a `Pay-Signature` header against every signing secret, newest first. Every secret's
 * HMAC is computed and compared, so the time taken does not reveal which one matched. A missing
 * header, or one that is not exactly 64 hex characters, is false; hex digits may be in either
 * case (GOV.UK Pay sends lower case; a proxy that upper-cases it still names the same bytes).
 */
export function verifyWebhookSignature(
  body: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): boolean {
  // A decoded header of the wrong shape is replaced by zeros, so the loop below still runs in
  // full and only the result differs.
  const wellFormed = typeof header === 'string' && SIGNATURE_HEX.test(header);
  const given = wellFormed ? Buffer.from(header, 'hex') : Buffer.alloc(32);
  let matched = false;
  for (const secret of secrets) {
    if (constantTimeEqual(hmac(body, secret), given)) matched = true;
  }
  return wellFormed && matched;
}
