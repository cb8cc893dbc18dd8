import type {
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
} from '../client/types.js';
import { isoDate, isoMillis } from './clock.js';
import type { SimPayment, SimRefund } from './model.js';
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

export function renderState(status: SimPayment['status'], code: SimPayment['code']): PaymentState {
  const finished = isFinished(status);
  return code === undefined
    ? { status, finished }
    : { status, finished, message: STATE_MESSAGES[code], code };
}

export function refundSummary(payment: SimPayment): RefundSummary {
  const available = payment.amount - payment.refunded;
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

function paymentFields(payment: SimPayment, provider: string): Omit<Payment, '_links'> {
  return {
    amount: payment.amount,
    description: payment.description,
    reference: payment.reference,
    language: payment.language,
    ...(payment.email === undefined ? {} : { email: payment.email }),
    state: renderState(payment.status, payment.code),
    payment_id: payment.id,
    payment_provider: provider,
    ...(payment.providerId === undefined ? {} : { provider_id: payment.providerId }),
    created_date: isoMillis(payment.createdAt),
    refund_summary: refundSummary(payment),
    settlement_summary: settlementSummary(payment),
    ...(payment.card === undefined ? {} : { card_details: payment.card }),
    // Deprecated, but still sent by publicapi (CardPayment.getCardBrand) once a card is known.
    ...(payment.card?.card_brand == null ? {} : { card_brand: payment.card.card_brand }),
    delayed_capture: payment.delayedCapture,
    moto: false,
    ...(payment.metadata === undefined ? {} : { metadata: payment.metadata }),
    return_url: payment.returnUrl,
    authorisation_mode: 'web',
  };
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
): Payment {
  const self = paymentUrl(origin, payment.id);
  const links: PaymentLinks = { self: get(self) };
  if (token !== undefined) {
    links.next_url = get(nextUrl(origin, token));
    links.next_url_post = {
      type: 'application/x-www-form-urlencoded',
      // A string on the wire, though the spec says object (FACTS.md §16.15).
      params: { chargeTokenId: token },
      href: `${origin}/secure`,
      method: 'POST',
    };
  }
  links.events = get(`${self}/events`);
  links.refunds = get(`${self}/refunds`);
  addActionLinks(payment, self, links);
  return { ...paymentFields(payment, provider), _links: links };
}

/** A search result: the same payment, but its links never include `next_url`. */
export function renderSearchPayment(
  payment: SimPayment,
  origin: string,
  provider: string,
): PaymentSearchResult {
  const links = commonLinks(payment, origin);
  addActionLinks(payment, links.self.href, links);
  return { ...paymentFields(payment, provider), _links: links };
}

function addActionLinks(payment: SimPayment, self: string, links: PaymentLinks): void {
  if (!isFinished(payment.status)) links.cancel = post(`${self}/cancel`);
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
      state: renderState(event.status, event.code),
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
