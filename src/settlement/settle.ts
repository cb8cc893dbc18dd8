import type { Payment } from '../client/index.js';
import { errorForLog } from '../logger.js';
import type { Logger } from '../logger.js';
import {
  noteSettleAttempt,
  publishLeaseExpiry,
  publishSettlement,
  settleChannel,
  traced,
} from '../observability/index.js';
import type { PaymentRecord, PaymentStore, SettlementLease } from '../store/index.js';
import type { FinalClassification } from './classify.js';
import { paymentKeys } from './keys.js';
import type { PaymentKeys } from './keys.js';
import { recordOfPayment } from './read-payment.js';
import type { ResultSource, SettledResult } from './result.js';
import { createSettledMemo } from './settled-memo.js';
import type { StaleInfo } from './stale.js';
import { inStore } from './store-error.js';

/**
 * How long a settlement is remembered once committed. It must outlive every way back to the
 * payment: a cookie (hours), a return id or pending record (7 days), a late webhook.
 */
export const SETTLEMENT_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;

/** Long enough for a slow fulfilment between renewals; short enough that a crash heals soon. */
export const DEFAULT_LEASE_MS = 2 * 60_000;

/** After this many attempts that threw or were cut off, a payment is reported as stale. */
export const STALE_AFTER_ATTEMPTS = 3;

export interface SettlerOptions {
  store: PaymentStore;
  /** The journey's name in the store (see `journeyId`): every key is namespaced by it. */
  journey: string;
  onSettled: ((result: SettledResult) => void | Promise<void>) | undefined;
  logger: Logger;
  /** Names a payment in logs without revealing its id. */
  fingerprint: (paymentId: string) => string;
  /** @default DEFAULT_LEASE_MS */
  leaseMs?: number;
  /** Told when a payment's settlement keeps failing; it stays unsettled and is tried again. */
  onStale?: (record: PaymentRecord, info: StaleInfo) => void | Promise<void>;
  /** Epoch milliseconds, for the age in a stale report. */
  now?: () => number;
}

/**
 * What one call to `settle` did:
 * - `settled`: this call ran `onSettled` and committed;
 * - `already_settled`: committed earlier, by any feed or instance;
 * - `in_progress`: another live holder is settling it now.
 */
export type SettleOutcome = 'settled' | 'already_settled' | 'in_progress';

export interface Settler {
  readonly journey: string;
  readonly keys: PaymentKeys;
  /**
   * Settles a finished payment exactly once across every feed and instance, with a lease:
   * begin (atomic, fenced), `onSettled` while the lease is renewed, then commit. If `onSettled`
   * throws, the lease is released and the error rethrown; if the process dies, the lease runs
   * out and the next feed settles again with the next `attempt`.
   */
  settle(
    payment: Payment,
    classification: FinalClassification,
    source: ResultSource,
  ): Promise<SettleOutcome>;
  /** Stops renewing the leases in flight (shutdown): they run out, and another instance takes them. */
  abandonLeases(): void;
}

export function createSettler(options: SettlerOptions): Settler {
  const { store, journey, logger, fingerprint } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const now = options.now ?? Date.now;
  const keys = paymentKeys(journey);
  const renewals = new Set<ReturnType<typeof setInterval>>();
  const settledLately = createSettledMemo(now);

  /** Renews the lease a few times per term while `onSettled` runs; reports a lost lease. */
  function keepRenewing(
    key: string,
    lease: SettlementLease,
    paymentId: string,
    source: ResultSource,
  ): () => boolean {
    let lost = false;
    const timer = setInterval(
      () => {
        Promise.resolve(store.renewSettlement(key, lease.token, leaseMs))
          .then((held) => {
            if (held || lost) return;
            lost = true;
            publishLeaseExpiry({ detectedAt: 'renewal', feed: source, attempt: lease.attempt });
            logger.error(
              { payment: fingerprint(paymentId), attempt: lease.attempt },
              'govuk-pay-express: lost the settlement lease while onSettled was running; another attempt may settle this payment again',
            );
          })
          .catch(() => {
            // The store is briefly unreachable; the commit decides, and a lost lease is fenced.
          });
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    renewals.add(timer);
    return () => {
      clearInterval(timer);
      renewals.delete(timer);
      return lost;
    };
  }

  async function reportStale(payment: Payment, attempt: number, err: unknown): Promise<void> {
    const record = recordOfPayment(payment, journey);
    const info: StaleInfo = {
      reason: 'settle_failed',
      attempt,
      errorName: errorName(err),
      ageMinutes: Math.max(0, Math.floor((now() - record.createdAt) / 60_000)),
      status: payment.state.status,
    };
    logger.error(
      { payment: fingerprint(payment.payment_id), ...info },
      'govuk-pay-express: onSettled keeps failing for this payment; it stays unsettled and will be tried again',
    );
    try {
      await options.onStale?.(record, info);
    } catch (hookErr) {
      logger.error(
        {
          payment: fingerprint(payment.payment_id),
          error: errorName(hookErr),
          err: errorForLog(hookErr, { paymentId: payment.payment_id }),
        },
        'govuk-pay-express: onStale threw',
      );
    }
  }

  async function settle(
    payment: Payment,
    classification: FinalClassification,
    source: ResultSource,
  ): Promise<SettleOutcome> {
    const key = keys.settlement(payment.payment_id);
    if (settledLately.has(key)) return 'already_settled';
    const begun = await inStore(() => store.beginSettlement(key, leaseMs));
    if (begun.status === 'settled') {
      settledLately.add(key);
      return 'already_settled';
    }
    if (begun.status === 'leased') return 'in_progress';
    const { lease } = begun;
    noteSettleAttempt(lease.attempt);

    const { final: _final, ...outcome } = classification;
    const result = {
      ...outcome,
      payment,
      firstVisit: source === 'return',
      source,
      attempt: lease.attempt,
    } as SettledResult;
    const stopRenewing = keepRenewing(key, lease, payment.payment_id, source);
    try {
      if (options.onSettled) await options.onSettled(result);
    } catch (err) {
      stopRenewing();
      logger.error(
        {
          payment: fingerprint(payment.payment_id),
          source,
          attempt: lease.attempt,
          err: errorForLog(err, { paymentId: payment.payment_id }),
        },
        'govuk-pay-express: onSettled threw; the payment stays unsettled and is settled again by the next feed that sees it',
      );
      try {
        await store.releaseSettlement(key, lease.token);
      } catch {
        // The lease runs out on its own; the next feed then tries again.
      }
      if (lease.attempt >= STALE_AFTER_ATTEMPTS) await reportStale(payment, lease.attempt, err);
      throw err;
    }
    stopRenewing();
    // A store down at this point leaves the lease to run out: the next feed settles again, with
    // the next attempt, so the fulfilment is repeated (and told) rather than lost.
    const committed = await inStore(() =>
      store.commitSettlement(key, lease.token, SETTLEMENT_RETENTION_MS),
    );
    const log = { payment: fingerprint(payment.payment_id), outcome: result.outcome, source };
    if (!committed) {
      // Our lease ran out and another feed took it: it will call onSettled again, with the
      // next attempt, and commit. Nothing is lost; the service is told by that attempt number.
      publishLeaseExpiry({ detectedAt: 'commit', feed: source, attempt: lease.attempt });
      logger.error(
        { ...log, attempt: lease.attempt },
        'govuk-pay-express: onSettled finished after its lease was taken over; the payment is settled by the next attempt',
      );
      return 'in_progress';
    }
    settledLately.add(key);
    try {
      await store.deletePending(payment.payment_id);
    } catch {
      // Settled all the same: reconciliation finds it committed and forgets it then.
    }
    publishSettlement({
      feed: source,
      outcome: result.outcome,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      attempt: lease.attempt,
    });
    logger.info(
      { ...log, ...(lease.attempt > 1 ? { attempt: lease.attempt } : {}) },
      'govuk-pay-express: payment settled',
    );
    return 'settled';
  }

  return {
    journey,
    keys,
    settle: (payment, classification, source) =>
      traced(
        settleChannel,
        'settle',
        () => ({
          feed: source,
          outcome: classification.outcome,
          ...(classification.reason === undefined ? {} : { reason: classification.reason }),
        }),
        () => settle(payment, classification, source),
        (outcome) => outcome,
      ),
    abandonLeases: () => {
      for (const timer of renewals) clearInterval(timer);
      renewals.clear();
    },
  };
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
