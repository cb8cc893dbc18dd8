import type { PayClient } from '../client/index.js';
import type { Payment } from '../client/index.js';
import {
  classifyPayment,
  inStore,
  readPayment,
  SettlementStoreError,
} from '../settlement/index.js';
import type {
  Classification,
  FinalClassification,
  PaymentRead,
  PaymentResult,
  ResultSource,
  UnavailableResult,
} from '../settlement/index.js';
import type { PaymentRecord } from '../store/index.js';
import { SHOWN_TTL_MS } from './context.js';
import type { JourneyContext } from './context.js';
import { decideReturn } from './decisions.js';

/** `readPayment` with the journey's logger and fingerprint. */
export function readJourneyPayment(
  ctx: JourneyContext,
  client: PayClient,
  record: Pick<PaymentRecord, 'paymentId' | 'selfHref'>,
): Promise<PaymentRead> {
  return readPayment(ctx, client, record);
}

/**
 * Settles a finished payment the moment a feed sees it (once, whoever races), then works out
 * whether this is the first time its outcome is shown to the citizen. Settlement comes first:
 * if `onSettled` throws, nothing has been shown, and a later visit is still the first.
 */
export async function settleAndShow(
  ctx: JourneyContext,
  payment: Payment,
  classification: FinalClassification,
  source: ResultSource,
): Promise<PaymentResult> {
  await ctx.settler.settle(payment, classification, source);
  const firstVisit = await inStore(() =>
    ctx.store.claim(ctx.settler.keys.shown(payment.payment_id), SHOWN_TTL_MS),
  );
  const { final: _final, ...outcome } = classification;
  return { ...outcome, payment, firstVisit, source } as PaymentResult;
}

/** What a payment that was just read means for the citizen: settled first when finished. */
export async function showPayment(
  ctx: JourneyContext,
  payment: Payment,
  source: ResultSource,
  classification: Classification = classifyPayment(payment.state),
): Promise<PaymentResult> {
  const decision = decideReturn({ kind: 'read', classification });
  if (decision.show === 'finished') {
    return settleAndShow(ctx, payment, decision.classification, source);
  }
  if (decision.show === 'open') {
    const { final: _final, ...outcome } = decision.classification;
    return { ...outcome, payment, firstVisit: true, source } as PaymentResult;
  }
  // A payment that was read is never missing or unconfirmed.
  throw new Error(`govuk-pay-express: unexpected return decision ${decision.show}`);
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
  source: ResultSource,
): Promise<PaymentResult> {
  const read = await readJourneyPayment(ctx, client, record);
  if (!read.ok) return unconfirmedResult(source);
  return withStoreDownAsUnconfirmed(ctx, source, () => showPayment(ctx, read.payment, source));
}

/**
 * The store could not settle or mark the payment: the citizen may have paid and nothing could
 * be recorded, so the answer is `unconfirmed` — never `missing`, never a 500 — and the payment
 * stays pending for the next feed. Errors of the service's own `onSettled` pass through.
 */
export async function withStoreDownAsUnconfirmed(
  ctx: JourneyContext,
  source: ResultSource,
  show: () => Promise<PaymentResult>,
): Promise<PaymentResult> {
  try {
    return await show();
  } catch (err) {
    if (!(err instanceof SettlementStoreError)) throw err;
    ctx.logger.error(
      { error: errorName(err.cause) },
      'govuk-pay-express: the payment store is unavailable; showing unconfirmed',
    );
    return unconfirmedResult(source);
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

export function unconfirmedResult(source: ResultSource = 'return'): UnavailableResult {
  return { outcome: 'unconfirmed', firstVisit: true, source };
}

export function missingResult(
  reason: 'no_cookie' | 'invalid_cookie' | 'unknown_return_id',
): UnavailableResult {
  return { outcome: 'missing', reason, firstVisit: true, source: 'return' };
}

export function startFailedResult(): UnavailableResult {
  return { outcome: 'error', reason: 'start_failed', firstVisit: true, source: 'start' };
}
