import { createHash, createHmac, hkdfSync } from 'node:crypto';

/**
 * Names a payment in logs without naming it: a truncated HMAC of its id, keyed from the cookie
 * secret, so instances sharing secrets agree and nobody without the secret can test a guess.
 */
export function createLogFingerprint(secret: string): (paymentId: string) => string {
  const key = Buffer.from(
    hkdfSync('sha256', secret, 'govuk-pay-express/log-fingerprint', 'payment id v1', 32),
  );
  return (paymentId) =>
    createHmac('sha256', key).update(paymentId, 'utf8').digest('base64url').slice(0, 12);
}

/**
 * A non-secret name for the GOV.UK Pay account behind an API key, stored with each payment so
 * reconciliation can pick the key that reads it. The key has over 128 random bits, so a hash of
 * it reveals nothing.
 */
export function accountFingerprint(apiKey: string): string {
  return `acct_${createHash('sha256').update(`govuk-pay-express/account\0${apiKey}`, 'utf8').digest('base64url').slice(0, 16)}`;
}
