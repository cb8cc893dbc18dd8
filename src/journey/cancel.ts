import {
  PayConflictError,
  PayError,
  PayNotFoundError,
  PayValidationError,
} from '../client/index.js';
import type { PayClient } from '../client/index.js';
import type { PaymentRecord } from '../store/types.js';
import type { JourneyContext } from './context.js';
import { describePayError, observePayment, unconfirmedResult } from './observe.js';
import type { PaymentResult } from './result.js';

/**
 * Cancels a payment that may still be unfinished. True when it is cancelled or was already
 * finished (GOV.UK Pay answers 400 P0501 or 409 P0502 then); false when GOV.UK Pay could not be
 * reached, so the payment may still be payable.
 */
export async function cancelIfUnfinished(
  ctx: JourneyContext,
  client: PayClient,
  record: PaymentRecord,
): Promise<boolean> {
  const payment = ctx.fingerprint(record.paymentId);
  try {
    await client.cancelPayment(record.paymentId);
    ctx.logger.info({ payment }, 'govuk-pay-express: payment cancelled');
    return true;
  } catch (err) {
    if (!(err instanceof PayError)) throw err;
    if (isAlreadyFinished(err)) return true;
    ctx.logger.warn(
      { payment, ...describePayError(err) },
      'govuk-pay-express: could not cancel the payment',
    );
    return false;
  }
}

/**
 * The citizen's "cancel" on the service: cancels the unfinished payment, then reports what it
 * has become. That is usually `cancelled`, but a payment that was finished first (paid in
 * another tab) reports its real outcome, so money taken is never shown as cancelled.
 */
export async function cancelJourneyPayment(
  ctx: JourneyContext,
  client: PayClient,
  record: PaymentRecord,
): Promise<PaymentResult> {
  if (!(await cancelIfUnfinished(ctx, client, record))) return unconfirmedResult();
  return observePayment(ctx, client, record);
}

function isAlreadyFinished(err: PayError): boolean {
  return (
    err instanceof PayConflictError ||
    err instanceof PayNotFoundError ||
    (err instanceof PayValidationError && err.status === 400)
  );
}
