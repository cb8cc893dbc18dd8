import { createHash } from 'node:crypto';

/**
 * A short, stable, non-reversible tag for a payment id, so logs can correlate lines about one
 * payment without putting the id itself in them.
 */
export function paymentFingerprint(paymentId: string): string {
  return createHash('sha256').update(`govuk-pay-express:${paymentId}`).digest('hex').slice(0, 12);
}
