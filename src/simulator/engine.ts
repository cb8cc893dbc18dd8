import type { Payment } from '../client/index.js';
import type { Account } from './auth.js';
import type { ResettableClock } from './clock.js';
import type { ApiError } from './errors.js';
import { apiError } from './errors.js';
import { newExternalId, newToken } from './ids.js';
import type { DisputeStatus } from './model.js';
import { SimAgreement, SimDispute, SimPayment, isFinished } from './model.js';
import type { ResolvedSimulatorConfig } from './options.js';
import { renderPayment } from './render.js';
import { SimulatorStore } from './store.js';
import { expireIfDue } from './transitions.js';
import type { CreatePaymentInput } from './validate.js';
import type { CreateAgreementInput } from './agreements.js';

/** Idempotency keys are forgotten after 24 hours (FACTS.md §15). */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** What a create answers: a new payment (201), or the one an Idempotency-Key already made (200). */
export type CreateOutcome =
  | { readonly kind: 'created' | 'replayed'; readonly payment: SimPayment }
  | { readonly kind: 'error'; readonly error: ApiError };

const LOCAL_HOSTS: Readonly<Record<string, string>> = {
  '127.0.0.1': 'localhost',
  localhost: '127.0.0.1',
};

/**
 * The origin of the hosted pages for an API origin: the same port on the other loopback name,
 * so the pages are cross-site to a service on the same machine, as GOV.UK Pay's are.
 */
export function crossSiteOrigin(apiOrigin: string): string {
  let url: URL;
  try {
    url = new URL(apiOrigin);
  } catch {
    // A Host header that is no host: links are built from it as they stand.
    return apiOrigin;
  }
  const swapped = LOCAL_HOSTS[url.hostname];
  if (swapped === undefined) return url.origin;
  url.hostname = swapped;
  return url.origin;
}

/** The simulator's state and the operations that the API, the pages and the JS API share. */
export class SimulatorEngine {
  readonly store = new SimulatorStore();
  /** The origin for links built outside a request: `baseUrl`, else the last listening URL. */
  fallbackOrigin = 'http://127.0.0.1';
  private readonly pagesOrigins = new Map<string, string>();

  constructor(
    readonly config: ResolvedSimulatorConfig,
    readonly clock: ResettableClock,
  ) {
    if (config.baseUrl !== undefined) this.fallbackOrigin = config.baseUrl;
  }

  /** Where `next_url` points for a request that reached the API at `apiOrigin`. */
  pagesOrigin(apiOrigin: string): string {
    const { pagesBaseUrl } = this.config;
    if (typeof pagesBaseUrl === 'string') return pagesBaseUrl;
    if (pagesBaseUrl === false) return apiOrigin;
    let origin = this.pagesOrigins.get(apiOrigin);
    if (origin === undefined) {
      origin = crossSiteOrigin(apiOrigin);
      if (this.pagesOrigins.size > 100) this.pagesOrigins.clear();
      this.pagesOrigins.set(apiOrigin, origin);
    }
    return origin;
  }

  /** Reads a payment, applying expiry first, as every GOV.UK Pay read would see it. */
  getPayment(paymentId: string): SimPayment | undefined {
    const payment = this.store.getPayment(paymentId);
    if (payment !== undefined) expireIfDue(payment, this.clock.now());
    return payment;
  }

  /** A payment is visible to every key of the account that created it. */
  getPaymentFor(account: Account, paymentId: string): SimPayment | undefined {
    const payment = this.store.getPayment(paymentId);
    if (payment === undefined || payment.account !== account.id) return undefined;
    expireIfDue(payment, this.clock.now());
    return payment;
  }

  /** Every payment of an account, oldest first, with expiry applied. */
  paymentsOf(account: Account): readonly SimPayment[] {
    const payments = this.store.paymentsOf(account.id);
    const now = this.clock.now();
    for (const payment of payments) expireIfDue(payment, now);
    return payments;
  }

  getAgreementFor(account: Account, agreementId: string): SimAgreement | undefined {
    const agreement = this.store.getAgreement(agreementId);
    return agreement === undefined || agreement.account !== account.id ? undefined : agreement;
  }

  createAgreement(account: Account, input: CreateAgreementInput): SimAgreement {
    const agreement = new SimAgreement(
      newExternalId(),
      account.id,
      input.reference,
      input.description,
      input.userIdentifier,
      this.clock.now(),
    );
    this.store.addAgreement(agreement);
    return agreement;
  }

  /**
   * Creates a payment after the checks that need state: the agreement to charge or set up,
   * and an agreement payment's Idempotency-Key (only agreement payments honour it, FACTS.md §8).
   */
  createPayment(
    account: Account,
    input: CreatePaymentInput,
    idempotency?: { readonly key: string; readonly body: string },
  ): CreateOutcome {
    const now = this.clock.now();
    let agreement: SimAgreement | undefined;
    if (input.authorisationMode === 'agreement' && input.agreementId !== undefined) {
      agreement = this.getAgreementFor(account, input.agreementId);
      const reason =
        agreement === undefined
          ? 'Agreement does not exist'
          : agreement.status === 'active'
            ? undefined
            : 'Agreement must be active';
      if (reason !== undefined) {
        return {
          kind: 'error',
          error: apiError(
            400,
            'P0102',
            `Invalid attribute value: agreement_id. ${reason}`,
            'agreement_id',
          ),
        };
      }
    } else if (input.setUpAgreement !== undefined) {
      agreement = this.getAgreementFor(account, input.setUpAgreement);
      if (agreement === undefined) {
        return {
          kind: 'error',
          error: apiError(
            400,
            'P0103',
            'Invalid attribute value: set_up_agreement. Agreement ID does not exist',
            'set_up_agreement',
          ),
        };
      }
    }

    let recordKey: string | undefined;
    if (input.authorisationMode === 'agreement' && idempotency !== undefined) {
      recordKey = `${account.id} ${idempotency.key}`;
      const record = this.store.idempotency.get(recordKey);
      if (record !== undefined && now - record.at < IDEMPOTENCY_KEY_TTL_MS) {
        if (record.body === idempotency.body) return { kind: 'replayed', payment: record.payment };
        return {
          kind: 'error',
          error: apiError(
            409,
            'P0191',
            'The `Idempotency-Key` you sent in the request header has already been used to create a payment.',
          ),
        };
      }
    }

    const payment = new SimPayment(newExternalId(), account, { ...input, agreement }, now);
    if (input.authorisationMode === 'moto_api') {
      payment.oneTimeToken = newToken();
      this.store.addOneTimeToken(payment.oneTimeToken, payment);
    }
    if (input.authorisationMode === 'agreement' && agreement !== undefined) {
      const queued = agreement.queuedDeclines?.shift();
      if (queued !== undefined) payment.plannedDecline = queued;
      else if (agreement.declinesRecurring) payment.plannedDecline = { canRetry: true };
    }
    this.store.addPayment(payment);
    if (recordKey !== undefined && idempotency !== undefined) {
      this.store.idempotency.set(recordKey, { body: idempotency.body, payment, at: now });
    }
    return { kind: 'created', payment };
  }

  raiseDispute(payment: SimPayment, reason: string): SimDispute {
    const dispute = new SimDispute(
      newExternalId(),
      payment.account,
      payment.id,
      payment.amount + (payment.surcharge ?? 0),
      reason,
      this.clock.now(),
    );
    payment.addDispute(dispute);
    this.store.addDispute(dispute);
    return dispute;
  }

  resolveDispute(dispute: SimDispute, status: Exclude<DisputeStatus, 'needs_response'>): void {
    dispute.status = status;
    if (status !== 'under_review') dispute.resolvedAt = this.clock.now();
  }

  /**
   * The payment as create and get return it. GOV.UK Pay mints a fresh `next_url` token on every
   * read of an unfinished web payment that is not waiting for capture.
   */
  view(payment: SimPayment, origin: string): Payment {
    const token =
      payment.authorisationMode !== 'web' ||
      isFinished(payment.status) ||
      payment.status === 'capturable'
        ? undefined
        : this.store.mintToken(payment);
    return renderPayment(
      payment,
      origin,
      this.config.paymentProvider,
      token,
      this.pagesOrigin(origin),
    );
  }

  reset(): void {
    this.store.clear();
    this.clock.reset();
  }
}
