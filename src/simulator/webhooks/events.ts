import type { WebhookEventType } from '../../webhooks/index.js';
import type { SimEvent } from '../model.js';

/**
 * The messages GOV.UK Pay sends for a payment state change (FACTS §14): `succeeded` when the
 * user (or, for delayed capture, the service) approves capture; `captured` once capture is
 * confirmed, which the sandbox does at once; `expired` for P0020; `failed` for every other
 * unsuccessful end. A refund's `refunded` is sent apart, when the refund succeeds.
 */
export function eventTypesForStateChange(event: SimEvent): readonly WebhookEventType[] {
  switch (event.status) {
    case 'created':
    case 'started':
    case 'submitted':
      return [];
    case 'capturable':
      return ['card_payment_succeeded'];
    case 'success':
      return ['card_payment_succeeded', 'card_payment_captured'];
    case 'failed':
      return event.code === 'P0020' ? ['card_payment_expired'] : ['card_payment_failed'];
    case 'cancelled':
    case 'error':
      return ['card_payment_failed'];
    default: {
      const unknown: never = event.status;
      throw new Error(`unknown payment status ${String(unknown)}`);
    }
  }
}

/** After a failed attempt, the next is tried this much later; after the last, it stops. */
export const RETRY_DELAYS_MS: readonly number[] = [
  60_000,
  5 * 60_000,
  60 * 60_000,
  24 * 60 * 60_000,
  2 * 24 * 60 * 60_000,
];

/** The first attempt and one per retry delay: 6 in all, over about 3 days. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
