import type {
  Dispute,
  Link,
  Payment,
  PaymentEvents,
  PaymentLinks,
  PaymentRefunds,
  PaymentSearchResult,
  PaymentState,
  Refund,
  RefundSearchResult,
  RefundSummary,
  SettlementSummary,
} from '../client/index.js';
import { isoDate, isoMillis } from './clock.js';
import type { SimDispute, SimPayment, SimRefund } from './model.js';
import { STATE_MESSAGES, isFinished } from './model.js';

// Builders for the wire shapes. GOV.UK Pay serialises with NON_NULL, so absent values are left
// out rather than sent as null (except inside card_details, where every key is present).

const get = (href: string): Link => ({ href, method: 'GET' });
const post = (href: string): Link => ({ href, method: 'POST' });

export function paymentUrl(origin: string, paymentId: string): string {
  return `${origin}/v1/payments/${paymentId}`;
}

export function nextUrl(origin: string, token: string): string {
  return `${origin}/secure/${token}`;
}

export function renderState(
  status: SimPayment['status'],
  code: SimPayment['code'],
  canRetry?: boolean,
): PaymentState {
  const finished = isFinished(status);
  if (code === undefined) return { status, finished };
  const state: PaymentState = { status, finished, message: STATE_MESSAGES[code], code };
  // Only failed agreement payments say whether the service may try again (FACTS.md §4).
  if (canRetry !== undefined && status === 'failed') state.can_retry = canRetry;
  return state;
}

/** `corporate_card_surcharge` plus the amount: what the citizen paid. */
export function totalAmount(payment: SimPayment): number {
  return payment.amount + (payment.surcharge ?? 0);
}

/**
 * A stand-in for a Stripe account's fee on a captured payment: 1.5% of what was paid plus 20p,
 * rounded to the penny. The real fee depends on the card and the contract.
 */
export function feeFor(payment: SimPayment): number | undefined {
  if (!payment.owner.fees || payment.status !== 'success') return undefined;
  return Math.min(totalAmount(payment), Math.round(totalAmount(payment) * 0.015) + 20);
}

export function refundSummary(payment: SimPayment): RefundSummary {
  const available = totalAmount(payment) - payment.refunded;
  let status: RefundSummary['status'];
  switch (payment.status) {
    case 'created':
    case 'started':
    case 'submitted':
    case 'capturable':
      status = 'pending';
      break;
    case 'success':
      status = available > 0 ? 'available' : 'full';
      break;
    case 'failed':
    case 'cancelled':
    case 'error':
      status = 'unavailable';
      break;
    default: {
      const unknown: never = payment.status;
      throw new Error(`unknown payment status ${String(unknown)}`);
    }
  }
  return { status, amount_available: available, amount_submitted: payment.refunded };
}

function settlementSummary(payment: SimPayment): SettlementSummary {
  const at = payment.captureSubmittedAt;
  return at === undefined ? {} : { capture_submit_time: isoMillis(at), captured_date: isoDate(at) };
}

/**
 * The payment's fields, in GOV.UK Pay's order, optional ones left out. Built by assignment, not
 * by spreading, and `_links` is added to the same object: this is the hot path of every GET.
 */
function paymentWith(payment: SimPayment, provider: string, links: PaymentLinks): Payment {
  const p = {
    amount: payment.amount,
    description: payment.description,
    reference: payment.reference,
    language: payment.language,
  } as Payment;
  if (payment.email !== undefined) p.email = payment.email;
  p.state = renderState(payment.status, payment.code, payment.canRetry);
  p.payment_id = payment.id;
  p.payment_provider = provider;
  if (payment.providerId !== undefined) p.provider_id = payment.providerId;
  p.created_date = isoMillis(payment.createdAt);
  p.refund_summary = refundSummary(payment);
  p.settlement_summary = settlementSummary(payment);
  const card = payment.card;
  if (card !== undefined) {
    p.card_details = card;
    // Deprecated, but still sent by publicapi (CardPayment.getCardBrand) once a card is known.
    if (card.card_brand != null) p.card_brand = card.card_brand;
  }
  const surcharge = payment.surcharge;
  if (surcharge !== undefined) {
    p.corporate_card_surcharge = surcharge;
    p.total_amount = totalAmount(payment);
  }
  const fee = feeFor(payment);
  if (fee !== undefined) {
    p.fee = fee;
    p.net_amount = totalAmount(payment) - fee;
  }
  p.delayed_capture = payment.delayedCapture;
  p.moto = payment.moto;
  if (payment.metadata !== undefined) p.metadata = payment.metadata;
  if (payment.returnUrl !== undefined) p.return_url = payment.returnUrl;
  p.authorisation_mode = payment.authorisationMode;
  const agreement = payment.agreement;
  if (agreement !== undefined) p.agreement_id = agreement.id;
  const type = payment.agreementPaymentType;
  if (type !== undefined) p.agreement_payment_type = type;
  p._links = links;
  return p;
}

function commonLinks(payment: SimPayment, origin: string): PaymentLinks {
  const self = paymentUrl(origin, payment.id);
  return { self: get(self), events: get(`${self}/events`), refunds: get(`${self}/refunds`) };
}

/**
 * The full payment of create and get. `token` is the fresh `next_url` token, given only while
 * the payment is unfinished and not capturable.
 */
export function renderPayment(
  payment: SimPayment,
  origin: string,
  provider: string,
  token: string | undefined,
  pagesOrigin: string = origin,
): Payment {
  const self = paymentUrl(origin, payment.id);
  const links: PaymentLinks = { self: get(self) };
  if (token !== undefined) {
    links.next_url = get(nextUrl(pagesOrigin, token));
    links.next_url_post = {
      type: 'application/x-www-form-urlencoded',
      // A string on the wire, though the spec says object (FACTS.md §16.15).
      params: { chargeTokenId: token },
      href: `${pagesOrigin}/secure`,
      method: 'POST',
    };
  }
  if (payment.oneTimeToken !== undefined && payment.status === 'created') {
    links.auth_url_post = {
      type: 'application/json',
      params: { one_time_token: payment.oneTimeToken },
      href: `${origin}/v1/auth`,
      method: 'POST',
    };
  }
  links.events = get(`${self}/events`);
  links.refunds = get(`${self}/refunds`);
  addActionLinks(payment, self, links);
  return paymentWith(payment, provider, links);
}

/** A search result: the same payment, but its links never include `next_url`. */
export function renderSearchPayment(
  payment: SimPayment,
  origin: string,
  provider: string,
): PaymentSearchResult {
  const links = commonLinks(payment, origin);
  addActionLinks(payment, links.self.href, links);
  return paymentWith(payment, provider, links) as PaymentSearchResult;
}

function addActionLinks(payment: SimPayment, self: string, links: PaymentLinks): void {
  // Agreement payments are taken without the citizen and cannot be cancelled (FACTS.md §4).
  if (!isFinished(payment.status) && payment.authorisationMode !== 'agreement') {
    links.cancel = post(`${self}/cancel`);
  }
  if (payment.status === 'capturable') links.capture = post(`${self}/capture`);
}

export function renderEvents(payment: SimPayment, origin: string): PaymentEvents {
  const self = paymentUrl(origin, payment.id);
  return {
    payment_id: payment.id,
    events: [
      { status: 'created' as const, code: undefined, at: payment.createdAt },
      ...(payment.events ?? []),
    ].map((event) => ({
      payment_id: payment.id,
      state: renderState(event.status, event.code, payment.canRetry),
      updated: isoMillis(event.at),
      _links: { payment_url: get(self) },
    })),
    _links: { self: get(`${self}/events`) },
  };
}

function refundLinks(refund: SimRefund, origin: string): { self: Link; payment: Link } {
  const payment = paymentUrl(origin, refund.paymentId);
  return { self: get(`${payment}/refunds/${refund.id}`), payment: get(payment) };
}

/** The 202 body of a refund create: no `settlement_summary` yet. */
export function renderCreatedRefund(refund: SimRefund, origin: string): Refund {
  return {
    refund_id: refund.id,
    created_date: isoMillis(refund.createdAt),
    amount: refund.amount,
    status: refund.status,
    _links: refundLinks(refund, origin),
  };
}

export function renderRefund(refund: SimRefund, origin: string): Refund {
  return {
    refund_id: refund.id,
    created_date: isoMillis(refund.createdAt),
    amount: refund.amount,
    status: refund.status,
    settlement_summary: {},
    _links: refundLinks(refund, origin),
  };
}

export function renderSearchRefund(refund: SimRefund, origin: string): RefundSearchResult {
  return {
    refund_id: refund.id,
    created_date: isoMillis(refund.createdAt),
    amount: refund.amount,
    status: refund.status,
    settlement_summary: {},
    payment_id: refund.paymentId,
    _links: refundLinks(refund, origin),
  };
}

export function renderPaymentRefunds(payment: SimPayment, origin: string): PaymentRefunds {
  const self = paymentUrl(origin, payment.id);
  return {
    payment_id: payment.id,
    _links: { self: get(`${self}/refunds`), payment: get(self) },
    _embedded: { refunds: (payment.refunds ?? []).map((refund) => renderRefund(refund, origin)) },
  };
}

/** Stripe's fee for a lost dispute, in pence; the disputed amount and the fee are taken back. */
export const LOST_DISPUTE_FEE = 1500;

export function renderDispute(dispute: SimDispute, origin: string): Dispute {
  const lost = dispute.status === 'lost';
  return {
    dispute_id: dispute.id,
    amount: dispute.amount,
    ...(lost ? { fee: LOST_DISPUTE_FEE, net_amount: -(dispute.amount + LOST_DISPUTE_FEE) } : {}),
    created_date: isoMillis(dispute.createdAt),
    evidence_due_date: isoMillis(dispute.createdAt + DISPUTE_EVIDENCE_MS),
    payment_id: dispute.paymentId,
    reason: dispute.reason,
    status: dispute.status,
    _links: { payment: get(paymentUrl(origin, dispute.paymentId)) },
  };
}

/** How long a service has to answer a dispute with evidence: a stand-in, set by the PSP. */
export const DISPUTE_EVIDENCE_MS = 7 * 24 * 60 * 60 * 1000;
