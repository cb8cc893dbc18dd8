import { PAYMENT_EXPIRY_MS } from '../govuk-pay/index.js';
import type { PaymentStateCode, PaymentStatus } from '../client/index.js';
import {
  cardBrand,
  cardType,
  classifyCard,
  isCorporateCard,
  normaliseCardNumber,
} from './cards.js';
import { newProviderId } from './ids.js';
import type { SimPayment } from './model.js';
import { isFinished } from './model.js';
import { notifyStateChanged } from './webhooks/hooks.js';

/**
 * How long an agreement payment, taken without the citizen, stays `submitted` on the simulator
 * clock before the provider answers. GOV.UK Pay authorises them asynchronously; the time it
 * takes is not published, so this is a choice that a test can step over with `clock.advance`.
 */
export const AGREEMENT_AUTHORISATION_MS = 5000;

/** The card that, in GOV.UK Pay's sandbox, sets up an agreement but declines later charges. */
export const RECURRING_DECLINE_CARD = '5105105105105100';

export type WalletType = 'Apple Pay' | 'Google Pay';

export { PAYMENT_EXPIRY_MS };
/** Capturable payments expire 120 hours after creation. */
export const CAPTURE_EXPIRY_MS = 120 * 60 * 60 * 1000;

/** What the citizen typed on the card details page, already validated. */
export interface CardEntry {
  /** Digits only. */
  readonly cardNumber: string;
  readonly expiryMonth: number;
  /** Four digits. */
  readonly expiryYear: number;
  readonly cardholderName: string;
  readonly email?: string;
  /** Paid with a wallet: the wallet hides the card's first digits, expiry and address. */
  readonly wallet?: WalletType;
}

export type CardResult = 'submitted' | 'declined' | 'error' | 'unknown-card';

/** Thrown when a transition is not allowed from the payment's current status. */
export class TransitionError extends Error {
  override readonly name = 'TransitionError';
}

function setState(
  payment: SimPayment,
  status: PaymentStatus,
  code: PaymentStateCode | undefined,
  at: number,
): void {
  payment.status = status;
  payment.code = code;
  const event = { status, code, at };
  (payment.events ??= []).push(event);
  notifyStateChanged(payment, event);
}

/**
 * GOV.UK Pay expires payments with a sweep; the simulator applies the same rule lazily, on
 * every read, so the simulator clock alone decides.
 */
export function expireIfDue(payment: SimPayment, now: number): boolean {
  if (payment.authorisationMode === 'agreement') settleAgreementPayment(payment, now);
  const { status } = payment;
  const limit =
    status === 'created' || status === 'started' || status === 'submitted'
      ? PAYMENT_EXPIRY_MS
      : status === 'capturable'
        ? CAPTURE_EXPIRY_MS
        : undefined;
  if (limit === undefined || now < payment.createdAt + limit) return false;
  setState(payment, 'failed', 'P0020', payment.createdAt + limit);
  return true;
}

/** The citizen reached the card details page. */
export function startPayment(payment: SimPayment, now: number): void {
  if (payment.status === 'created') setState(payment, 'started', undefined, now);
}

/** The citizen submitted card details; the sandbox provider answers by card number. */
export function submitCard(payment: SimPayment, entry: CardEntry, now: number): CardResult {
  if (payment.status !== 'created' && payment.status !== 'started') {
    throw new TransitionError(`card details cannot be submitted for a ${payment.status} payment`);
  }
  const digits = normaliseCardNumber(entry.cardNumber);
  const outcome = classifyCard(digits);
  if (outcome === 'unknown') return 'unknown-card';
  if (payment.status === 'created') setState(payment, 'started', undefined, now);
  const prefilledAddress = payment.prefilled?.billing_address;
  const wallet = entry.wallet;
  payment.card =
    wallet === undefined
      ? {
          last_digits_card_number: digits.slice(-4),
          first_digits_card_number: digits.slice(0, 6),
          cardholder_name: entry.cardholderName,
          expiry_date: `${String(entry.expiryMonth).padStart(2, '0')}/${String(entry.expiryYear % 100).padStart(2, '0')}`,
          // The address itself is NON_NULL in publicapi: unknown parts are left out.
          billing_address: prefilledAddress === undefined ? null : { ...prefilledAddress },
          card_brand: cardBrand(digits),
          card_type: cardType(digits),
        }
      : {
          // A wallet hands over a device token: only the last digits and brand are known.
          last_digits_card_number: digits.slice(-4),
          first_digits_card_number: null,
          cardholder_name: entry.cardholderName === '' ? null : entry.cardholderName,
          expiry_date: null,
          billing_address: null,
          card_brand: cardBrand(digits),
          card_type: null,
          wallet_type: wallet,
        };
  const surcharges = payment.owner.corporateSurcharge;
  if (surcharges !== undefined && isCorporateCard(digits)) {
    const surcharge = cardType(digits) === 'debit' ? surcharges.debit : surcharges.credit;
    payment.surcharge = surcharge > 0 ? surcharge : undefined;
  }
  if (entry.email !== undefined && entry.email !== '') payment.email = entry.email;
  payment.providerId = newProviderId();
  switch (outcome) {
    case 'authorised':
      setState(payment, 'submitted', undefined, now);
      return 'submitted';
    case 'declined':
      setState(payment, 'failed', 'P0010', now);
      return 'declined';
    case 'error':
      setState(payment, 'error', 'P0050', now);
      return 'error';
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown card outcome ${String(unknown)}`);
    }
  }
}

/** The citizen pressed "Confirm payment". Sandbox captures at once unless capture is delayed. */
export function confirmPayment(payment: SimPayment, now: number): void {
  if (payment.status !== 'submitted') {
    throw new TransitionError(`a ${payment.status} payment cannot be confirmed`);
  }
  if (payment.delayedCapture) {
    setState(payment, 'capturable', undefined, now);
  } else {
    payment.captureSubmittedAt = now;
    setState(payment, 'success', undefined, now);
  }
  activateAgreement(payment, now);
}

/** A set-up payment that the citizen confirmed saves its card to the agreement (FACTS.md §9). */
function activateAgreement(payment: SimPayment, now: number): void {
  const agreement = payment.agreement;
  if (agreement === undefined || payment.authorisationMode === 'agreement') return;
  if (agreement.status !== 'created' || payment.card === undefined) return;
  agreement.status = 'active';
  agreement.instrument = { card: payment.card, at: now };
  const { first_digits_card_number: first, last_digits_card_number: last } = payment.card;
  agreement.declinesRecurring =
    first === RECURRING_DECLINE_CARD.slice(0, 6) && last === RECURRING_DECLINE_CARD.slice(-4);
}

/**
 * An agreement payment is `submitted` from its creation until the provider answers, after
 * AGREEMENT_AUTHORISATION_MS: `success`, or `failed` P0010 with `can_retry` when the
 * agreement's card declines recurring charges or a decline was queued for it.
 */
export function settleAgreementPayment(payment: SimPayment, now: number): void {
  const agreement = payment.agreement;
  if (agreement === undefined) return;
  if (payment.status === 'created') setState(payment, 'submitted', undefined, payment.createdAt);
  if (payment.status !== 'submitted') return;
  const at = payment.createdAt + AGREEMENT_AUTHORISATION_MS;
  if (now < at) return;
  payment.providerId ??= newProviderId();
  const decline = payment.plannedDecline;
  if (decline !== undefined) {
    payment.canRetry = decline.canRetry;
    setState(payment, 'failed', 'P0010', at);
    return;
  }
  payment.captureSubmittedAt = at;
  setState(payment, 'success', undefined, at);
}

/** The citizen pressed "Cancel payment" on a hosted page: `failed` P0030. */
export function cancelByUser(payment: SimPayment, now: number): void {
  const { status } = payment;
  if (status !== 'created' && status !== 'started' && status !== 'submitted') {
    throw new TransitionError(`a ${status} payment cannot be cancelled by the user`);
  }
  setState(payment, 'failed', 'P0030', now);
}

/** The service cancelled through the API or the admin tool: `cancelled` P0040. */
export function cancelByService(payment: SimPayment, now: number): void {
  if (isFinished(payment.status)) {
    throw new TransitionError(`a ${payment.status} payment cannot be cancelled`);
  }
  setState(payment, 'cancelled', 'P0040', now);
}

/** The payment provider failed: `error` P0050, no money taken. */
export function failWithProviderError(payment: SimPayment, now: number): void {
  if (isFinished(payment.status)) {
    throw new TransitionError(`a ${payment.status} payment cannot fail with a provider error`);
  }
  if (payment.providerId === undefined) payment.providerId = newProviderId();
  setState(payment, 'error', 'P0050', now);
}

/** `POST …/capture` on a delayed-capture payment. */
export function capturePayment(payment: SimPayment, now: number): void {
  if (payment.status !== 'capturable') {
    throw new TransitionError(`a ${payment.status} payment cannot be captured`);
  }
  payment.captureSubmittedAt = now;
  setState(payment, 'success', undefined, now);
}
