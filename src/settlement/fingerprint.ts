import { createHash, createHmac, hkdfSync } from 'node:crypto';

/** How many recent payments' fingerprints one journey keeps: a refresh names the same one again. */
export const FINGERPRINT_MEMO_SIZE = 1024;

/**
 * Names a payment in logs without naming it: a truncated HMAC of its id, keyed from the cookie
 * secret, so instances sharing secrets agree and nobody without the secret can test a guess.
 * The last {@link FINGERPRINT_MEMO_SIZE} are remembered: every return logs its payment, and an
 * HMAC costs more than the rest of that log line.
 */
export function createLogFingerprint(secret: string): (paymentId: string) => string {
  const key = Buffer.from(
    hkdfSync('sha256', secret, 'govuk-pay-express/log-fingerprint', 'payment id v1', 32),
  );
  const recent = new Map<string, string>();
  return (paymentId) => {
    let fingerprint = recent.get(paymentId);
    if (fingerprint === undefined) {
      fingerprint = createHmac('sha256', key)
        .update(paymentId, 'utf8')
        .digest('base64url')
        .slice(0, 12);
      // A Map iterates in insertion order: the first key is the oldest.
      if (recent.size >= FINGERPRINT_MEMO_SIZE) recent.delete(recent.keys().next().value as string);
      recent.set(paymentId, fingerprint);
    }
    return fingerprint;
  };
}

/**
 * A non-secret name for the GOV.UK Pay account behind an API key, stored with each payment so
 * reconciliation can pick the key that reads it. The key has over 128 random bits, so a hash of
 * it reveals nothing.
 */
export function accountFingerprint(apiKey: string): string {
  return `acct_${createHash('sha256').update(`govuk-pay-express/account\0${apiKey}`, 'utf8').digest('base64url').slice(0, 16)}`;
}
