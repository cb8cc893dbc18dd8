import type { Payment } from '../client/types.js';
import type { Outcome, OutcomeReason } from './classify.js';

/** Which path saw the payment: the citizen's return, or reconciliation of an abandoned journey. */
export type ResultSource = 'return' | 'reconcile';

/** What outcome handlers and `onSettled` receive. */
export interface PaymentResult {
  outcome: Outcome;
  reason?: OutcomeReason;
  /** The payment as GOV.UK Pay last reported it; absent for `missing`, `unconfirmed` and a failed start. */
  payment?: Payment;
  /** True for a delayed-capture payment waiting for `capturePayment`. */
  capturable?: boolean;
  /** False when this payment's outcome was already shown to this citizen (a refresh, a second tab). */
  firstVisit: boolean;
  source: ResultSource;
}

/** What `onSettled` receives: always a finished outcome with its payment. */
export interface SettledResult extends PaymentResult {
  outcome: 'success' | 'failed' | 'cancelled' | 'error';
  payment: Payment;
}
