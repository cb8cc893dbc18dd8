import { rateLimitPauseMs } from '../govuk-pay/index.js';
import { errorForLog } from '../logger.js';
import { publishReconcileSummary, reconcileChannel, traced } from '../observability/index.js';
import { classifyPayment } from '../settlement/index.js';
import type { PaymentRecord } from '../store/index.js';
import { resolveReconcileOptions } from './options.js';
import type { ReconcileRunOptions, ResolvedReconcileOptions } from './options.js';
import { RateGate } from './rate-gate.js';
import type { ReconcileDeps, ReconcileSummary, StaleInfo } from './types.js';

/**
 * Long enough to cover one status read with the client's retries and an `onSettled` call; short
 * enough that a crashed instance's payments are picked up again on the next run. The lock only
 * saves duplicate work: the settlement claim is what makes settling exactly-once.
 */
export const RECONCILE_LOCK_TTL_MS = 5 * 60_000;

function emptySummary(): ReconcileSummary {
  return {
    checked: 0,
    settled: { success: 0, failed: 0, cancelled: 0, error: 0 },
    alreadySettled: 0,
    stillPending: 0,
    failedToRead: 0,
    settleFailed: 0,
    stale: 0,
    lockedElsewhere: 0,
    inProgress: 0,
    otherJourney: 0,
    due: 0,
    rateLimited: 0,
    aborted: false,
  };
}

/**
 * One reconciliation run over abandoned journeys: takes first the payments a webhook marked
 * due, whatever their age, then every payment pending for longer than `olderThanMinutes`, and
 * reads them at a bounded rate; settles the finished ones exactly once, leaves the rest
 * for the next run, and reports those that stay unresolved long after GOV.UK Pay should have
 * expired them. One payment's failure never stops the run. Rejects only when the store cannot
 * list pending payments.
 */
export async function reconcilePending(
  deps: ReconcileDeps,
  options?: ReconcileRunOptions,
): Promise<ReconcileSummary> {
  return reconcileResolved(deps, resolveReconcileOptions(options));
}

/** `reconcilePending` with options already resolved, for a caller that resolved them once. */
export async function reconcileResolved(
  deps: ReconcileDeps,
  options: ResolvedReconcileOptions,
): Promise<ReconcileSummary> {
  return traced(
    reconcileChannel,
    'reconcile',
    () => ({}),
    () => new ReconcileRun(deps, options).execute(),
    (summary) => summary,
  );
}

class ReconcileRun {
  private readonly summary = emptySummary();
  private readonly gate: RateGate;
  private readonly fingerprint: (paymentId: string) => string;

  constructor(
    private readonly deps: ReconcileDeps,
    private readonly options: ResolvedReconcileOptions,
  ) {
    this.gate = new RateGate(options.ratePerSecond, deps.now, deps.sleep);
    this.fingerprint = deps.fingerprint;
  }

  /** Due payments first (a webhook said they changed), then the pending ones by age. */
  private async *candidates(createdBefore: number): AsyncGenerator<PaymentRecord> {
    const seen = new Set<string>();
    for await (const record of this.deps.store.listDue()) {
      seen.add(record.paymentId);
      this.summary.due += 1;
      yield record;
    }
    for await (const record of this.deps.store.listPending(createdBefore)) {
      if (!seen.has(record.paymentId)) yield record;
    }
  }

  async execute(): Promise<ReconcileSummary> {
    const { deps, options } = this;
    const startedAt = deps.now();
    const inFlight = new Set<Promise<void>>();
    let listError: unknown;
    try {
      // Pull one record only when a worker slot is free, so memory stays bounded by
      // `concurrency` however many payments are pending.
      for await (const record of this.candidates(startedAt - options.olderThanMs)) {
        if (options.signal?.aborted) {
          this.summary.aborted = true;
          break;
        }
        if (record.journey !== undefined && record.journey !== deps.settler.journey) {
          // Another journey shares this store: its payments are its own to settle.
          this.summary.otherJourney += 1;
          continue;
        }
        const task: Promise<void> = this.reconcileOne(record).finally(() => inFlight.delete(task));
        inFlight.add(task);
        while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      }
    } catch (err) {
      listError = err;
    }
    await Promise.all(inFlight);
    if (listError !== undefined) {
      deps.logger.error(
        { error: errorName(listError) },
        'govuk-pay-express: reconciliation could not list pending payments',
      );
      throw listError;
    }
    publishReconcileSummary(this.summary, deps.now() - startedAt);
    deps.logger.info(
      { ...this.summary, durationMs: deps.now() - startedAt },
      'govuk-pay-express: reconciliation run finished',
    );
    return this.summary;
  }

  /** Never rejects: every failure is counted and logged. */
  private async reconcileOne(record: PaymentRecord): Promise<void> {
    const { store } = this.deps;
    const lockKey = this.deps.settler.keys.reconcileLock(record.paymentId);
    let locked: boolean;
    try {
      locked = await store.claim(lockKey, RECONCILE_LOCK_TTL_MS);
    } catch (err) {
      this.deps.logger.error(
        { payment: this.fingerprint(record.paymentId), error: errorName(err) },
        'govuk-pay-express: reconciliation could not take its lock in the store',
      );
      this.summary.checked += 1;
      this.summary.failedToRead += 1;
      return;
    }
    if (!locked) {
      this.summary.lockedElsewhere += 1;
      return;
    }
    try {
      await this.checkAndSettle(record);
    } finally {
      try {
        await store.release(lockKey);
      } catch {
        // The lock expires on its own after RECONCILE_LOCK_TTL_MS.
      }
    }
  }

  private async checkAndSettle(record: PaymentRecord): Promise<void> {
    const { deps, summary } = this;
    const fingerprint = this.fingerprint(record.paymentId);
    summary.checked += 1;

    let payment;
    try {
      await this.gate.acquire();
      payment = await deps.fetchPayment(record);
      if (payment.payment_id !== record.paymentId) {
        // Fail closed: never settle a payment other than the one recorded.
        throw Object.assign(new Error('GOV.UK Pay answered with a different payment'), {
          name: 'PaymentMismatchError',
        });
      }
    } catch (err) {
      summary.failedToRead += 1;
      const httpStatus = statusOf(err);
      if (httpStatus === 429) this.rateLimited(err);
      deps.logger.warn(
        {
          payment: fingerprint,
          error: errorName(err),
          ...(httpStatus === undefined ? {} : { status: httpStatus }),
          ...(httpStatus === 404 ? { hint: 'not a payment of this GOV.UK Pay account' } : {}),
        },
        'govuk-pay-express: reconciliation could not read a payment; it stays pending',
      );
      await this.reportIfStale(record, {
        reason: 'unreadable',
        errorName: errorName(err),
        ...(httpStatus === undefined ? {} : { httpStatus }),
      });
      return;
    }

    const classification = classifyPayment(payment.state);
    if (!classification.final) {
      summary.stillPending += 1;
      await this.reportIfStale(record, { reason: 'unfinished', status: payment.state.status });
      return;
    }

    let outcome;
    try {
      outcome = await deps.settler.settle(payment, classification, 'reconcile');
    } catch (err) {
      summary.settleFailed += 1;
      deps.logger.error(
        { payment: fingerprint, error: errorName(err) },
        'govuk-pay-express: onSettled failed during reconciliation; the next run will retry',
      );
      await this.reportIfStale(record, {
        reason: 'settle_failed',
        status: payment.state.status,
        errorName: errorName(err),
      });
      return;
    }
    switch (outcome) {
      case 'settled':
        summary.settled[classification.outcome] += 1;
        return;
      case 'already_settled':
        summary.alreadySettled += 1;
        // Committed earlier, by a feed whose pending delete did not happen (a store blip, or a
        // crash between the two): forget it now, or every run would read it again for days.
        try {
          await deps.store.deletePending(record.paymentId);
        } catch {
          // The next run tries again; the settlement itself is safe.
        }
        return;
      case 'in_progress':
        summary.inProgress += 1;
        return;
      default: {
        const unknown: never = outcome;
        throw new Error(`unexpected settle outcome ${String(unknown)}`);
      }
    }
  }

  private rateLimited(err: unknown): void {
    this.summary.rateLimited += 1;
    const pauseMs = rateLimitPauseMs((err as { retryAfterMs?: unknown }).retryAfterMs);
    this.gate.backOff(pauseMs);
    this.deps.logger.warn(
      { pauseMs, ratePerSecond: 1000 / this.gate.currentIntervalMs },
      'govuk-pay-express: GOV.UK Pay rate-limited reconciliation; slowing down',
    );
  }

  private async reportIfStale(
    record: PaymentRecord,
    info: Omit<StaleInfo, 'ageMinutes'>,
  ): Promise<void> {
    const { deps } = this;
    const ageMs = deps.now() - record.createdAt;
    if (ageMs < this.options.staleAfterMs) return;
    this.summary.stale += 1;
    const staleInfo: StaleInfo = { ...info, ageMinutes: Math.floor(ageMs / 60_000) };
    deps.logger.warn(
      { payment: this.fingerprint(record.paymentId), ...staleInfo },
      'govuk-pay-express: payment still unresolved long after GOV.UK Pay should have expired it',
    );
    if (!deps.onStale) return;
    try {
      await deps.onStale(record, staleInfo);
    } catch (err) {
      deps.logger.error(
        {
          payment: this.fingerprint(record.paymentId),
          error: errorName(err),
          err: errorForLog(err, { paymentId: record.paymentId }),
        },
        'govuk-pay-express: onStale threw',
      );
    }
  }
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Only the class name: messages may quote ids or URLs, which must not reach logs. */
function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
