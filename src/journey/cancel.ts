import {
  PayConflictError,
  PayError,
  PayNotFoundError,
  PayValidationError,
} from '../client/index.js';
import type { PayClient } from '../client/index.js';
import { describePayError, isCancellable } from '../settlement/index.js';
import type { PaymentResult, ResultSource } from '../settlement/index.js';
import type { PaymentRecord } from '../store/index.js';
import type { JourneyContext } from './context.js';
import { decideCancel } from './decisions.js';
import { readJourneyPayment, showPayment, unconfirmedResult } from './observe.js';

/**
 * What asking GOV.UK Pay to cancel gave: `cancelled`; `finished` when it had already finished
 * (GOV.UK Pay answers 400 P0501 or 409 P0502 then, so it may have been paid a moment ago);
 * `unreachable` when GOV.UK Pay could not be asked, so it may still be payable.
 */
export type CancelAttempt = 'cancelled' | 'finished' | 'unreachable';

export async function cancelAtGovukPay(
  ctx: JourneyContext,
  client: PayClient,
  paymentId: string,
): Promise<CancelAttempt> {
  const payment = ctx.fingerprint(paymentId);
  try {
    await client.cancelPayment(paymentId);
    ctx.logger.info({ payment }, 'govuk-pay-express: payment cancelled');
    return 'cancelled';
  } catch (err) {
    if (!(err instanceof PayError)) throw err;
    if (isAlreadyFinished(err)) return 'finished';
    ctx.logger.warn(
      { payment, ...describePayError(err) },
      'govuk-pay-express: could not cancel the payment',
    );
    return 'unreachable';
  }
}

/**
 * The citizen's "cancel" on the service. Only a `created`, `started` or `submitted` payment is
 * cancelled; an authorised or finished one never is, and its real outcome is shown (and
 * settled, if this is the first feed to see it), so money taken is never shown as cancelled.
 */
export async function cancelJourneyPayment(
  ctx: JourneyContext,
  client: PayClient,
  record: PaymentRecord,
): Promise<PaymentResult> {
  const source: ResultSource = 'cancel';
  const before = await readJourneyPayment(ctx, client, record);
  if (!before.ok) return unconfirmedResult(source);
  const decision = decideCancel(isCancellable(before.payment.state.status));
  if (decision.action === 'show') return showPayment(ctx, before.payment, source);

  if ((await cancelAtGovukPay(ctx, client, record.paymentId)) === 'unreachable') {
    return unconfirmedResult(source);
  }
  // Cancelled or finished a moment ago: either way, read what it has become and show that.
  const after = await readJourneyPayment(ctx, client, record);
  if (!after.ok) return unconfirmedResult(source);
  return showPayment(ctx, after.payment, source);
}

function isAlreadyFinished(err: PayError): boolean {
  return (
    err instanceof PayConflictError ||
    err instanceof PayNotFoundError ||
    (err instanceof PayValidationError && err.status === 400)
  );
}
