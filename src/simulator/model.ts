import type {
  CardDetails,
  Language,
  PaymentMetadata,
  PaymentStateCode,
  PaymentStatus,
  PrefilledCardholderDetails,
  RefundStatus,
} from '../client/types.js';

/** One `state` change, as `GET /v1/payments/{id}/events` reports it. */
export interface SimEvent {
  readonly status: PaymentStatus;
  readonly code: PaymentStateCode | undefined;
  readonly at: number;
}

export interface SimRefund {
  readonly id: string;
  readonly paymentId: string;
  readonly account: string;
  readonly amount: number;
  readonly createdAt: number;
  readonly status: RefundStatus;
}

/**
 * A payment as the simulator keeps it: compact plain data, rendered to the wire shape on each
 * read (100,000 of them must fit in well under 200 MB). `account` identifies the API key that
 * created it, by a hash, never the key itself.
 *
 * Built by a constructor rather than an object literal: V8 pretenures literal allocation sites
 * whose objects survive, which under a burst of creates left old space three times larger than
 * the live payments (bench/simulator.mjs).
 */
export class SimPayment {
  readonly account: string;
  readonly live: boolean;
  readonly amount: number;
  readonly reference: string;
  readonly description: string;
  readonly language: Language;
  readonly returnUrl: string;
  email: string | undefined;
  readonly metadata: PaymentMetadata | undefined;
  readonly prefilled: PrefilledCardholderDetails | undefined;
  readonly delayedCapture: boolean;
  status: PaymentStatus = 'created';
  code: PaymentStateCode | undefined = undefined;
  providerId: string | undefined = undefined;
  card: CardDetails | undefined = undefined;
  captureSubmittedAt: number | undefined = undefined;
  /** State changes after `created`, which is implied by `createdAt`; undefined until the first. */
  events: SimEvent[] | undefined = undefined;
  refunds: SimRefund[] | undefined = undefined;
  refunded = 0;
  /** The opaque id in the hosted pages' URLs, minted when a browser first opens a `next_url`. */
  pageId: string | undefined = undefined;
  /** Browsers (by cookie id) that opened one of this payment's `next_url` tokens. */
  browsers: string[] | undefined = undefined;
  /**
   * Tokens minted and not yet used, oldest first; bounded so repeated GETs cannot grow memory.
   * A lone token is kept as a string: most payments only ever have the one from create.
   */
  openTokens: string | string[] | undefined = undefined;

  constructor(
    readonly id: string,
    owner: { readonly id: string; readonly live: boolean },
    input: {
      readonly amount: number;
      readonly reference: string;
      readonly description: string;
      readonly language: Language;
      readonly returnUrl: string;
      readonly email: string | undefined;
      readonly metadata: PaymentMetadata | undefined;
      readonly prefilled: PrefilledCardholderDetails | undefined;
      readonly delayedCapture: boolean;
    },
    readonly createdAt: number,
  ) {
    this.account = owner.id;
    this.live = owner.live;
    this.amount = input.amount;
    this.reference = input.reference;
    this.description = input.description;
    this.language = input.language;
    this.returnUrl = input.returnUrl;
    this.email = input.email;
    this.metadata = input.metadata;
    this.prefilled = input.prefilled;
    this.delayedCapture = input.delayedCapture;
  }
}

/** Exact `state.message` strings (FACTS.md §11). */
export const STATE_MESSAGES: Readonly<Record<PaymentStateCode, string>> = {
  P0010: 'Payment method rejected',
  P0020: 'Payment expired',
  P0030: 'Payment was cancelled by the user',
  P0040: 'Payment was cancelled by the service',
  P0050: 'Payment provider returned an error',
};

export function isFinished(status: PaymentStatus): boolean {
  switch (status) {
    case 'created':
    case 'started':
    case 'submitted':
    case 'capturable':
      return false;
    case 'success':
    case 'failed':
    case 'cancelled':
    case 'error':
      return true;
    default: {
      const unknown: never = status;
      throw new Error(`unknown payment status ${String(unknown)}`);
    }
  }
}
