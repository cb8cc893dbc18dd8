import type { PaymentState } from '../client/index.js';

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

/** The outcomes a finished payment settles as: each is shown and given to `onSettled`. */
export type SettledOutcome = 'success' | 'failed' | 'cancelled' | 'error';

/**
 * A payment that will not change outcome any more, so it can be settled. A capturable payment
 * counts: the money is authorised and the service must capture it.
 */
export type FinalClassification =
  | { final: true; outcome: 'success'; capturable?: true; reason?: undefined }
  | {
      final: true;
      outcome: 'failed';
      reason: 'declined' | 'expired' | 'cancelled_by_user';
      capturable?: undefined;
    }
  | { final: true; outcome: 'cancelled'; reason: 'cancelled_by_service'; capturable?: undefined }
  | {
      final: true;
      outcome: 'error';
      reason: 'provider_error' | 'unknown_state';
      capturable?: undefined;
    };

/**
 * A payment that may still change: unfinished, or in a status this library does not know (shown
 * as an error, but never settled, since GOV.UK Pay may still finish it).
 */
export type OpenClassification =
  | { final: false; outcome: 'pending'; reason?: undefined; capturable?: undefined }
  | { final: false; outcome: 'error'; reason: 'unknown_state'; capturable?: undefined };

/** What a payment's state means: a union on `final`, so a type says what can be settled. */
export type Classification = FinalClassification | OpenClassification;

/**
 * Maps a payment's state to the outcome the citizen sees. Total over every input: an unknown
 * status or code fails closed to `error`, and only `success` and `capturable` give success.
 */
export function classifyPayment(state: Pick<PaymentState, 'status' | 'code'>): Classification {
  const status = state.status;
  switch (status) {
    case 'success':
      return { final: true, outcome: 'success' };
    case 'capturable':
      return { final: true, outcome: 'success', capturable: true };
    case 'created':
    case 'started':
    case 'submitted':
      return { final: false, outcome: 'pending' };
    case 'failed':
      return classifyFailedCode(state.code);
    case 'cancelled':
      return { final: true, outcome: 'cancelled', reason: 'cancelled_by_service' };
    case 'error':
      return { final: true, outcome: 'error', reason: 'provider_error' };
    default:
      return unknownState(status);
  }
}

function classifyFailedCode(code: string | undefined): FinalClassification {
  switch (code) {
    case 'P0010':
      return { final: true, outcome: 'failed', reason: 'declined' };
    case 'P0020':
      return { final: true, outcome: 'failed', reason: 'expired' };
    case 'P0030':
      return { final: true, outcome: 'failed', reason: 'cancelled_by_user' };
    case undefined:
    default:
      // A failed payment took no money whatever its code, so it is final; we just cannot say why.
      return { final: true, outcome: 'error', reason: 'unknown_state' };
  }
}

/** Statuses outside the known set: show an error, but do not settle, since it may still change. */
function unknownState(_status: never): OpenClassification {
  return { final: false, outcome: 'error', reason: 'unknown_state' };
}

/**
 * True while the citizen (or the service) can still cancel the payment: GOV.UK Pay cancels
 * only these. An authorised (`capturable`) payment is never cancelled on the citizen's behalf.
 */
export function isCancellable(status: string): boolean {
  return status === 'created' || status === 'started' || status === 'submitted';
}
