import type { Payment } from '../client/types.js';
import type { Logger } from '../logger.js';
import type { PaymentStore } from '../store/types.js';
import type { Classification } from './classify.js';
import type { ResultSource, SettledResult } from './result.js';

/** How long a settlement claim is kept. It must outlive every way back to the payment. */
export const SETTLEMENT_CLAIM_TTL_MS = 8 * 24 * 60 * 60 * 1000;

export interface SettleDeps {
  store: PaymentStore;
  onSettled: ((result: SettledResult) => void | Promise<void>) | undefined;
  logger: Logger;
  /** Names the payment in the log line without revealing its id. */
  fingerprint?: (paymentId: string) => string;
}

export type SettleOutcome = 'settled' | 'already_settled' | 'not_final';

export function settlementKey(paymentId: string): string {
  return `settled:${paymentId}`;
}

/**
 * Settles a payment exactly once, whichever path sees it first. The claim in the store is the
 * only arbiter: a refresh storm, two instances or reconciliation racing the return all call this,
 * and only the caller that wins the claim runs `onSettled`. If `onSettled` throws, the claim is
 * released and the payment stays pending, so reconciliation tries it again later: fulfilment is
 * never silently lost.
 */
export async function settlePayment(
  deps: SettleDeps,
  payment: Payment,
  classification: Classification,
  source: ResultSource,
): Promise<SettleOutcome> {
  if (!classification.settles || classification.outcome === 'pending') return 'not_final';

  const key = settlementKey(payment.payment_id);
  if (!(await deps.store.claim(key, SETTLEMENT_CLAIM_TTL_MS))) return 'already_settled';

  const result: SettledResult = {
    outcome: classification.outcome,
    payment,
    firstVisit: source === 'return',
    source,
    ...(classification.reason === undefined ? {} : { reason: classification.reason }),
    ...(classification.capturable ? { capturable: true } : {}),
  };
  try {
    if (deps.onSettled) await deps.onSettled(result);
  } catch (err) {
    await deps.store.release(key);
    throw err;
  }
  await deps.store.deletePending(payment.payment_id);
  deps.logger.info(
    {
      outcome: result.outcome,
      source,
      ...(deps.fingerprint === undefined ? {} : { payment: deps.fingerprint(payment.payment_id) }),
    },
    'govuk-pay-express: payment settled',
  );
  return 'settled';
}
