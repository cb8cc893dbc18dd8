import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { PaymentRecord } from '../../src/store/types';

export const SECRET_A = 'tL6n0cBq8v3ZkQy1sW9eR4uXj2mHf7pA-first';
export const SECRET_B = 'Gx5rP1dT8wK3nV6bY0cJ2hM9qL4zS7eU-second';
export const SECRET_C = 'Wm3fH8kR1tN6yC0vB5xQ2jL9pD4gZ7sE-third';
export const COOKIE_NAME = 'govuk-pay';

export const RECORD: PaymentRecord = {
  paymentId: 'hu20sqlact5260q2nanm0q8u93',
  selfHref: 'https://publicapi.payments.service.gov.uk/v1/payments/hu20sqlact5260q2nanm0q8u93',
  reference: 'LICENCE-12345',
  amount: 14_500,
  createdAt: Date.UTC(2026, 0, 15, 10, 30),
};

/** Fixed, controllable clock. */
export function manualClock(start = Date.UTC(2026, 0, 15, 10, 30)): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

/**
 * Seals arbitrary plaintext exactly as the library would, with the key derived from `secret`.
 * White-box on purpose: it lets tests hand the unsealer authentic values the sealer itself
 * refuses to make (bad JSON, wrong shape, oversized), so each check is seen to work behind a
 * valid tag.
 */
export function sealRaw(
  secret: string,
  cookieName: string,
  plaintext: string,
  version = 'v1',
): string {
  const key = Buffer.from(
    hkdfSync('sha256', secret, 'govuk-pay-express/payment-cookie', 'aes-256-gcm v1', 32),
  );
  const keyId = createHash('sha256')
    .update('govuk-pay-express/payment-cookie key id\0')
    .update(key)
    .digest()
    .subarray(0, 6)
    .toString('base64url');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`govuk-pay-express:${version}:${cookieName}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    version,
    keyId,
    iv.toString('base64url'),
    ciphertext.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}
