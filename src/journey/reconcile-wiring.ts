import { PayConfigError } from '../config-error.js';
import {
  createReconcileTimer,
  reconcileResolved,
  resolveReconcileOptions,
} from '../reconcile/index.js';
import type { ReconcileDeps, ReconcileRunOptions, ReconcileSummary } from '../reconcile/index.js';
import type { JourneyContext } from './context.js';
import { readJourneyPayment } from './observe.js';

export interface JourneyReconciler {
  run(options?: ReconcileRunOptions): Promise<ReconcileSummary>;
  /** Stops the timer, if any, waiting for a run in flight. */
  stop(): Promise<void>;
  /** The last run in this process that has ended, for `journey.health()`; undefined before one. */
  lastRun(): LastReconcileRun | undefined;
  /** Runs in flight now. */
  running(): number;
}

/** One ended reconciliation run. Times are the journey clock's epoch milliseconds. */
export interface LastReconcileRun {
  startedAt: number;
  finishedAt: number;
  /** Undefined when the run failed. */
  summary: ReconcileSummary | undefined;
  /** The failure's code or class name, never its message (which may quote ids). */
  error: string | undefined;
}

/** A stable code where the error has one (PayStoreError, PayConfigError), else its class name. */
export function safeErrorLabel(err: unknown): string {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code)) return code;
  return err instanceof Error ? err.name : typeof err;
}

/**
 * Wires reconciliation to the journey's own parts: the same store, the client of the account
 * that made each payment, and the same exactly-once settlement as the return route.
 */
export function createJourneyReconciler(ctx: JourneyContext): JourneyReconciler {
  const { config } = ctx;
  const { onStale, sleep } = config.reconcile;

  const deps: ReconcileDeps = {
    store: ctx.store,
    fetchPayment: async (record) => {
      const read = await readJourneyPayment(ctx, ctx.clients.forRecord(record), record);
      if (!read.ok) throw read.error;
      return read.payment;
    },
    settler: ctx.settler,
    logger: ctx.logger,
    fingerprint: ctx.fingerprint,
    now: config.now,
    sleep,
    ...(onStale === undefined ? {} : { onStale }),
  };

  async function run(options?: ReconcileRunOptions): Promise<ReconcileSummary> {
    if (config.reconcile.apiKeys.length === 0) {
      throw new PayConfigError(
        'ERR_PAY_MISSING_OPTION',
        'reconcile.apiKeys is required when apiKey is a function: list every key that may have created a payment',
      );
    }
    // Options of this run only override the ones resolved at construction.
    const resolved =
      options === undefined
        ? config.reconcile.options
        : resolveReconcileOptions(options, 'reconcile', config.reconcile.options);
    return reconcileResolved(deps, resolved);
  }

  let lastRun: LastReconcileRun | undefined;
  let inFlight = 0;

  /** Every run, the timer's and `journey.reconcile()`'s, is remembered for the health check. */
  async function recordedRun(options?: ReconcileRunOptions): Promise<ReconcileSummary> {
    const startedAt = config.now();
    inFlight += 1;
    try {
      const summary = await run(options);
      lastRun = { startedAt, finishedAt: config.now(), summary, error: undefined };
      return summary;
    } catch (err) {
      lastRun = {
        startedAt,
        finishedAt: config.now(),
        summary: undefined,
        error: safeErrorLabel(err),
      };
      throw err;
    } finally {
      inFlight -= 1;
    }
  }

  const timer =
    config.reconcile.everyMinutes === undefined
      ? undefined
      : createReconcileTimer((signal) => recordedRun({ signal }), {
          everyMinutes: config.reconcile.everyMinutes,
          logger: ctx.logger,
          // On the `clock` option's time, so moving that clock brings the next run.
          ...(config.reconcile.timerNow === undefined ? {} : { now: config.reconcile.timerNow }),
        });

  return {
    run: recordedRun,
    stop: async () => timer?.stop(),
    lastRun: () => lastRun,
    running: () => inFlight,
  };
}
