import { createHash } from 'node:crypto';

/**
 * A journey's name in the store and in its cookies: a digest of its public origin and mount
 * path. Two journeys sharing one store (or one secret) never settle, or accept the cookies of,
 * each other's payments. The mount path is compared in lower case, as Express routes it.
 */
export function journeyId(publicOrigin: string, mountPath: string): string {
  return createHash('sha256')
    .update(`govuk-pay-express/journey\0${publicOrigin}\0${mountPath.toLowerCase()}`, 'utf8')
    .digest('base64url')
    .slice(0, 16);
}

/**
 * Store keys for one payment of one journey. Each carries the payment id as a Redis hash tag,
 * `{…}`, so every key about one payment lands in one Cluster slot.
 */
export interface PaymentKeys {
  /** The settlement lease and commit. */
  settlement(paymentId: string): string;
  /** The "already shown to the citizen" mark behind `firstVisit`. */
  shown(paymentId: string): string;
  /** Reconciliation's lock, so two runs do not read the same payment at once. */
  reconcileLock(paymentId: string): string;
  /** A webhook message's de-duplication mark. */
  webhookMessage(messageId: string): string;
}

export function paymentKeys(journey: string): PaymentKeys {
  return {
    settlement: (paymentId) => `settle:${journey}:{${paymentId}}`,
    shown: (paymentId) => `shown:${journey}:{${paymentId}}`,
    reconcileLock: (paymentId) => `reconcile-lock:${journey}:{${paymentId}}`,
    webhookMessage: (messageId) => `webhook:${journey}:{${messageId}}`,
  };
}
