import type {
  AgreementPaymentType,
  AgreementStatus,
  AuthorisationMode,
  CardDetails,
  Language,
  PaymentMetadata,
  PaymentStateCode,
  PaymentStatus,
  PrefilledCardholderDetails,
  RefundStatus,
} from '../client/index.js';
import type { Account } from './auth.js';

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
 * What few payments have: agreements, MOTO, surcharges, disputes. Kept apart so the common
 * payment stays small (100,000 of them must fit in well under 200 MB).
 */
export class PaymentExtras {
  agreement: SimAgreement | undefined = undefined;
  agreementPaymentType: AgreementPaymentType | undefined = undefined;
  canRetry: boolean | undefined = undefined;
  plannedDecline: { readonly canRetry: boolean } | undefined = undefined;
  surcharge: number | undefined = undefined;
  oneTimeToken: string | undefined = undefined;
  disputes: SimDispute[] | undefined = undefined;
}

/**
 * A payment as the simulator keeps it: compact plain data, rendered to the wire shape on each
 * read (100,000 of them must fit in well under 200 MB). `owner` is its account, which holds no
 * API key.
 *
 * Built by a constructor rather than an object literal: V8 pretenures literal allocation sites
 * whose objects survive, which under a burst of creates left old space three times larger than
 * the live payments (bench/simulator.mjs).
 */
export class SimPayment {
  readonly owner: Account;
  readonly amount: number;
  readonly reference: string;
  readonly description: string;
  readonly language: Language;
  readonly returnUrl: string | undefined;
  email: string | undefined;
  readonly metadata: PaymentMetadata | undefined;
  readonly prefilled: PrefilledCardholderDetails | undefined;
  readonly delayedCapture: boolean;
  readonly moto: boolean;
  readonly authorisationMode: AuthorisationMode;
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
  private extras: PaymentExtras | undefined = undefined;

  constructor(
    readonly id: string,
    owner: Account,
    input: {
      readonly amount: number;
      readonly reference: string;
      readonly description: string;
      readonly language: Language;
      readonly returnUrl: string | undefined;
      readonly email: string | undefined;
      readonly metadata: PaymentMetadata | undefined;
      readonly prefilled: PrefilledCardholderDetails | undefined;
      readonly delayedCapture: boolean;
      readonly moto: boolean;
      readonly authorisationMode: AuthorisationMode;
      readonly agreement: SimAgreement | undefined;
      readonly agreementPaymentType: AgreementPaymentType | undefined;
    },
    readonly createdAt: number,
  ) {
    this.owner = owner;
    this.amount = input.amount;
    this.reference = input.reference;
    this.description = input.description;
    this.language = input.language;
    this.returnUrl = input.returnUrl;
    this.email = input.email;
    this.metadata = input.metadata;
    this.prefilled = input.prefilled;
    this.delayedCapture = input.delayedCapture;
    this.moto = input.moto;
    this.authorisationMode = input.authorisationMode;
    if (input.agreement !== undefined) this.extra().agreement = input.agreement;
    if (input.agreementPaymentType !== undefined) {
      this.extra().agreementPaymentType = input.agreementPaymentType;
    }
  }

  private extra(): PaymentExtras {
    return (this.extras ??= new PaymentExtras());
  }

  /** The account's id, which the store indexes by. */
  get account(): string {
    return this.owner.id;
  }

  get live(): boolean {
    return this.owner.live;
  }

  /** The agreement this payment charges (agreement mode) or sets up (`set_up_agreement`). */
  get agreement(): SimAgreement | undefined {
    return this.extras?.agreement;
  }

  get agreementPaymentType(): AgreementPaymentType | undefined {
    return this.extras?.agreementPaymentType;
  }

  /** Set on failed agreement payments: whether the service may try again (FACTS.md §9). */
  get canRetry(): boolean | undefined {
    return this.extras?.canRetry;
  }

  set canRetry(value: boolean | undefined) {
    this.extra().canRetry = value;
  }

  /** An agreement payment that the provider will decline, decided when it is created. */
  get plannedDecline(): { readonly canRetry: boolean } | undefined {
    return this.extras?.plannedDecline;
  }

  set plannedDecline(value: { readonly canRetry: boolean } | undefined) {
    this.extra().plannedDecline = value;
  }

  /** `corporate_card_surcharge`, once a corporate card with a surcharge paid. */
  get surcharge(): number | undefined {
    return this.extras?.surcharge;
  }

  set surcharge(value: number | undefined) {
    if (value !== undefined || this.extras !== undefined) this.extra().surcharge = value;
  }

  /** MOTO API: the `one_time_token` of `auth_url_post`, until it is used. */
  get oneTimeToken(): string | undefined {
    return this.extras?.oneTimeToken;
  }

  set oneTimeToken(value: string | undefined) {
    if (value !== undefined || this.extras !== undefined) this.extra().oneTimeToken = value;
  }

  get disputes(): SimDispute[] | undefined {
    return this.extras?.disputes;
  }

  /** Opens a dispute on this payment. */
  addDispute(dispute: SimDispute): void {
    (this.extra().disputes ??= []).push(dispute);
  }
}

/** A recurring-payments agreement (FACTS.md §9). */
export class SimAgreement {
  status: AgreementStatus = 'created';
  /** The card saved by the set-up payment, and when. */
  instrument: { readonly card: CardDetails; readonly at: number } | undefined = undefined;
  /** The saved card declines every charge made without the citizen (a sandbox test card). */
  declinesRecurring = false;
  /** Declines queued by `simulator.declineNextAgreementPayment`, used by the next charges. */
  queuedDeclines: { readonly canRetry: boolean }[] | undefined = undefined;
  /** When it was cancelled or made inactive. */
  endedAt: number | undefined = undefined;

  constructor(
    readonly id: string,
    readonly account: string,
    readonly reference: string,
    readonly description: string,
    readonly userIdentifier: string | undefined,
    readonly createdAt: number,
  ) {}
}

export type DisputeStatus = 'needs_response' | 'under_review' | 'lost' | 'won';

/** A dispute (chargeback) raised against a successful payment. */
export class SimDispute {
  status: DisputeStatus = 'needs_response';
  /** When it was won or lost. */
  resolvedAt: number | undefined = undefined;

  constructor(
    readonly id: string,
    readonly account: string,
    readonly paymentId: string,
    readonly amount: number,
    readonly reason: string,
    readonly createdAt: number,
  ) {}
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
