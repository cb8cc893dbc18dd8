import type { PaymentState } from '../client/types.js';

/** What the returning citizen is shown. */
export type Outcome =
  'success' | 'failed' | 'cancelled' | 'error' | 'pending' | 'unconfirmed' | 'missing';

/** Why a payment did not succeed, or why the journey could not tell. */
export type OutcomeReason =
  /** P0010: the card was declined, had expired or failed its checks. */
  | 'declined'
  /** P0020: not finished within 90 minutes. */
  | 'expired'
  /** P0030: the citizen pressed cancel on GOV.UK Pay. */
  | 'cancelled_by_user'
  /** P0040: the service cancelled the payment. */
  | 'cancelled_by_service'
  /** P0050: the payment provider failed; no money was taken. */
  | 'provider_error'
  /** A status or code this library does not know: failed closed. */
  | 'unknown_state'
  /** The payment could not be created: GOV.UK Pay down, slow or refusing. Show "try again later". */
  | 'start_failed'
  /** No payment cookie came back with the citizen. */
  | 'no_cookie'
  /** The cookie failed its tag, was sealed with an unknown key, was malformed or had expired. */
  | 'invalid_cookie'
  /** The return id is not (or no longer) in the store. */
  | 'unknown_return_id';

export interface Classification {
  outcome: Exclude<Outcome, 'unconfirmed' | 'missing'>;
  reason?: OutcomeReason;
  /** True for a delayed-capture payment waiting for `capturePayment`. */
  capturable?: boolean;
  /**
   * True when the payment will not change outcome any more, so it can be settled. A capturable
   * payment counts: the money is authorised and the service must capture it.
   */
  settles: boolean;
}

/**
 * Maps a payment's state to the outcome the citizen sees. Total over every input: an unknown
 * status or code fails closed to `error`, and only `success` and `capturable` give success.
 */
export function classifyPayment(state: Pick<PaymentState, 'status' | 'code'>): Classification {
  const status = state.status;
  switch (status) {
    case 'success':
      return { outcome: 'success', settles: true };
    case 'capturable':
      return { outcome: 'success', capturable: true, settles: true };
    case 'created':
    case 'started':
    case 'submitted':
      return { outcome: 'pending', settles: false };
    case 'failed':
      return classifyFailedCode(state.code);
    case 'cancelled':
      return { outcome: 'cancelled', reason: 'cancelled_by_service', settles: true };
    case 'error':
      return { outcome: 'error', reason: 'provider_error', settles: true };
    default:
      return unknownState(status);
  }
}

function classifyFailedCode(code: string | undefined): Classification {
  switch (code) {
    case 'P0010':
      return { outcome: 'failed', reason: 'declined', settles: true };
    case 'P0020':
      return { outcome: 'failed', reason: 'expired', settles: true };
    case 'P0030':
      return { outcome: 'failed', reason: 'cancelled_by_user', settles: true };
    case undefined:
    default:
      // A failed payment took no money whatever its code, so it is final; we just cannot say why.
      return { outcome: 'error', reason: 'unknown_state', settles: true };
  }
}

/** Statuses outside the known set: show an error, but do not settle, since it may still change. */
function unknownState(_status: never): Classification {
  return { outcome: 'error', reason: 'unknown_state', settles: false };
}
