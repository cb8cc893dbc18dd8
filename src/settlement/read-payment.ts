import { PayError, PayResponseError } from '../client/index.js';
import type { PayClient } from '../client/index.js';
import type { Payment } from '../client/index.js';
import type { Logger } from '../logger.js';
import type { PaymentRecord } from '../store/index.js';

export type PaymentRead = { ok: true; payment: Payment } | { ok: false; error: PayError };

export interface ReadPaymentDeps {
  logger: Logger;
  /** Names the payment in the log line without revealing its id. */
  fingerprint: (paymentId: string) => string;
}

/**
 * The one place that reads a payment's truth, `GET /v1/payments/{id}`, after the client's own
 * retries, and checks that GOV.UK Pay answered about the payment asked for. A GOV.UK Pay
 * failure comes back as a value, since each caller has a designed answer for it; anything else
 * (a bug) is thrown.
 */
export async function readPayment(
  deps: ReadPaymentDeps,
  client: PayClient,
  record: Pick<PaymentRecord, 'paymentId' | 'selfHref'>,
): Promise<PaymentRead> {
  try {
    // The self link is followed only on the API origin: the key goes wherever the GET goes.
    const payment = isOnOrigin(record.selfHref, client.apiOrigin)
      ? await client.getPaymentBySelfLink(record.selfHref)
      : await client.getPayment(record.paymentId);
    if (payment.payment_id !== record.paymentId) {
      // Fail closed: never settle or show a payment other than the one recorded.
      throw new PayResponseError('govuk-pay-express: GOV.UK Pay answered with another payment');
    }
    return { ok: true, payment };
  } catch (err) {
    if (!(err instanceof PayError)) throw err;
    deps.logger.warn(
      { payment: deps.fingerprint(record.paymentId), ...describePayError(err) },
      'govuk-pay-express: could not read the payment status',
    );
    return { ok: false, error: err };
  }
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
  // The usual case without parsing: an origin followed by `/` ends the authority, so nothing
  // after it can name another host or carry credentials. The client checks the link in full
  // again before it follows it.
  if (href.startsWith(`${origin}/`)) return true;
  try {
    const url = new URL(href);
    return url.origin === origin && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** The record of a payment, as the journey stored it when it was created. */
export function recordOfPayment(payment: Payment, journey?: string): PaymentRecord {
  const createdAt = Date.parse(payment.created_date);
  return {
    paymentId: payment.payment_id,
    selfHref: payment._links.self.href,
    reference: payment.reference,
    amount: payment.amount,
    createdAt: Number.isFinite(createdAt) ? createdAt : 0,
    ...(journey === undefined ? {} : { journey }),
  };
}
