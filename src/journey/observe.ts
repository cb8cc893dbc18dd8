import { PayError, PayResponseError } from '../client/index.js';
import type { PayClient } from '../client/index.js';
import type { Payment } from '../client/types.js';
import type { PaymentRecord } from '../store/types.js';
import { classifyPayment } from './classify.js';
import type { Classification, OutcomeReason } from './classify.js';
import { SHOWN_TTL_MS } from './context.js';
import type { JourneyContext } from './context.js';
import type { PaymentResult } from './result.js';
import { settlePayment } from './settle.js';

export type PaymentRead = { ok: true; payment: Payment } | { ok: false; error: PayError };

/**
 * Reads a payment's current state, after the client's own retries. A GOV.UK Pay failure comes
 * back as a value, since each caller has a designed answer for it; anything else (a bug, a
 * store failure) is thrown.
 */
export async function readPayment(
  ctx: JourneyContext,
  client: PayClient,
  record: PaymentRecord,
): Promise<PaymentRead> {
  try {
    // The self link is followed only on the API origin: the key goes wherever the GET goes.
    const payment = isOnOrigin(record.selfHref, client.apiOrigin)
      ? await client.getPaymentBySelfLink(record.selfHref)
      : await client.getPayment(record.paymentId);
    if (payment.payment_id !== record.paymentId) {
      throw new PayResponseError('govuk-pay-express: GOV.UK Pay answered with another payment');
    }
    return { ok: true, payment };
  } catch (err) {
    if (!(err instanceof PayError)) throw err;
    ctx.logger.warn(
      { payment: ctx.fingerprint(record.paymentId), ...describePayError(err) },
      'govuk-pay-express: could not read the payment status',
    );
    return { ok: false, error: err };
  }
}

/**
 * Settles a payment seen by the returning citizen (once, whoever races), then works out whether
 * this is the first time its outcome is shown. Settlement comes first: if `onSettled` throws,
 * nothing has been shown, and a later visit is still the first.
 */
export async function settleAndShow(
  ctx: JourneyContext,
  payment: Payment,
  classification: Classification,
): Promise<PaymentResult> {
  await settlePayment(ctx.settleDeps, payment, classification, 'return');
  const firstVisit = classification.settles
    ? await ctx.store.claim(`shown:${payment.payment_id}`, SHOWN_TTL_MS)
    : true;
  return {
    outcome: classification.outcome,
    payment,
    firstVisit,
    source: 'return',
    ...(classification.reason === undefined ? {} : { reason: classification.reason }),
    ...(classification.capturable ? { capturable: true } : {}),
  };
}

/**
 * What the returning citizen is shown: the payment's state read fresh from GOV.UK Pay (never
 * from the request), settled if finished. Unreadable after retries is `unconfirmed`, which
 * settles nothing: the citizen may have paid.
 */
export async function observePayment(
  ctx: JourneyContext,
  client: PayClient,
  record: PaymentRecord,
): Promise<PaymentResult> {
  const read = await readPayment(ctx, client, record);
  if (!read.ok) return unconfirmedResult();
  return settleAndShow(ctx, read.payment, classifyPayment(read.payment.state));
}

export function unconfirmedResult(): PaymentResult {
  return { outcome: 'unconfirmed', firstVisit: true, source: 'return' };
}

export function missingResult(reason: OutcomeReason): PaymentResult {
  return { outcome: 'missing', reason, firstVisit: true, source: 'return' };
}

/** Log fields for a GOV.UK Pay failure: its kind and codes, never its links or ids. */
export function describePayError(err: PayError): Record<string, unknown> {
  return {
    error: err.name,
    ...(err.status === undefined ? {} : { status: err.status }),
    ...(err.code === undefined ? {} : { code: err.code }),
    ...('reason' in err && typeof err.reason === 'string' ? { reason: err.reason } : {}),
  };
}

function isOnOrigin(href: string, origin: string): boolean {
  try {
    const url = new URL(href);
    return url.origin === origin && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
