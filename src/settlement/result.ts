import type { Payment } from '../client/index.js';
import type { Classification, FinalClassification, OpenClassification } from './classify.js';

/**
 * Which path saw the payment: the citizen's return, a new start or a cancel that found it
 * finished, reconciliation of an abandoned journey, or a webhook.
 */
export type ResultSource = 'return' | 'start' | 'cancel' | 'reconcile' | 'webhook';

interface ResultBase {
  /** False when this payment's outcome was already shown to this citizen (a refresh, a second tab). */
  firstVisit: boolean;
  source: ResultSource;
}

/** A finished payment, as GOV.UK Pay last reported it. */
type WithPayment<C> = C extends Classification ? Omit<C, 'final'> & { payment: Payment } : never;

/** The result of a finished payment: the outcome, its reason, and the payment, never optional. */
export type FinishedResult = WithPayment<FinalClassification> & ResultBase;

/**
 * What outcome handlers receive: a union by `outcome`, so a `success`, `failed` or `cancelled`
 * handler's `payment` is always there. An `error` has its payment too, except for reason
 * `start_failed`, when GOV.UK Pay could not create one.
 */
export type PaymentResult = FinishedResult | OpenResult | UnavailableResult;

/** A payment that may still change: unfinished, or in a status this library does not know. */
export type OpenResult = WithPayment<OpenClassification> & ResultBase;

/** Nothing to show a payment for: it could not be created, read, or found. */
export type UnavailableResult = ResultBase & { payment?: undefined; capturable?: undefined } & (
    | { outcome: 'error'; reason: 'start_failed' }
    | { outcome: 'unconfirmed'; reason?: undefined }
    | { outcome: 'missing'; reason: 'no_cookie' | 'invalid_cookie' | 'unknown_return_id' }
  );

/** The result an outcome handler of one outcome receives. */
export type ResultOf<O extends PaymentResult['outcome']> = Extract<PaymentResult, { outcome: O }>;

/** What `onSettled` receives: always a finished outcome with its payment. */
export type SettledResult = FinishedResult & {
  /**
   * 1 the first time this payment is settled. Higher when an earlier attempt was interrupted
   * (a crash, a lost lease, or `onSettled` throwing) and may have fulfilled part of the order:
   * fulfil idempotently, keyed on `payment.payment_id`.
   */
  attempt: number;
};
