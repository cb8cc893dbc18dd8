/** What the receiver knows about a verified, well-formed message before acting on it. */
export interface WebhookFacts {
  /** `event` for an event type this version knows, `unknown` for a newer one. */
  readonly kind: 'event' | 'unknown';
  readonly eventType: string;
  /** Compared without case: `PAYMENT` on the wire, `payment` in the docs. */
  readonly resourceType: string;
  /** The resource is a payment that this journey created and has not settled yet. */
  readonly pendingHere: boolean;
}

/**
 * What to do with a message:
 * - `settle`: mark the payment due, answer 200, then read and settle it off the request;
 * - `hand_over`: give it to `onWebhook` (first marking its payment due when it is pending here);
 * - `check_settled`: a payment event about a payment not pending here, which is either one this
 *   journey settled already (acknowledge it) or someone else's (hand it over);
 * - `acknowledge`: answer 200 and do nothing more.
 */
export type WebhookPlan =
  | { readonly action: 'settle' }
  | { readonly action: 'hand_over'; readonly markDue: boolean }
  | { readonly action: 'check_settled' }
  | { readonly action: 'acknowledge'; readonly reason: 'unknown_event_type' };

/**
 * Decides what a message means for this journey. Its state is never consulted: a webhook only
 * says "look at this payment", and the truth comes from `GET /v1/payments/{id}`.
 */
export function planWebhook(facts: WebhookFacts): WebhookPlan {
  const aboutPayment = facts.resourceType.toLowerCase() === 'payment';
  if (facts.kind === 'unknown') {
    // A newer event type is still a reason to look at one of our payments; anything else about
    // it is unknown, so it is acknowledged rather than retried for days.
    return aboutPayment && facts.pendingHere
      ? { action: 'settle' }
      : { action: 'acknowledge', reason: 'unknown_event_type' };
  }
  // A refund is news the journey does not settle: the service hears of it. Its resource is the
  // parent payment, so a refund of a payment still pending here also makes that payment due.
  if (facts.eventType === 'card_payment_refunded') {
    return { action: 'hand_over', markDue: aboutPayment && facts.pendingHere };
  }
  if (aboutPayment && facts.pendingHere) return { action: 'settle' };
  return aboutPayment ? { action: 'check_settled' } : { action: 'hand_over', markDue: false };
}
