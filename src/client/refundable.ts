import type { Payment } from './types.js';

/**
 * Pence still refundable on a payment, read from its `refund_summary`. GOV.UK Pay allows a refund
 * only while the summary's status is `available` (FACTS.md §7); anything else, a missing summary
 * or a malformed amount, gives 0, so a caller never offers a refund GOV.UK Pay would refuse.
 * Pass this as `refund_amount_available` to make concurrent refunds safe (412 P0604 on a race).
 */
export function refundable(payment: Pick<Payment, 'refund_summary'>): number {
  const summary = payment.refund_summary;
  if (summary === undefined || summary.status !== 'available') return 0;
  const available = summary.amount_available;
  return Number.isSafeInteger(available) && available > 0 ? available : 0;
}
