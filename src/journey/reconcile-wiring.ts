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

  const timer =
    config.reconcile.everyMinutes === undefined
      ? undefined
      : createReconcileTimer((signal) => run({ signal }), {
          everyMinutes: config.reconcile.everyMinutes,
          logger: ctx.logger,
          // On the `clock` option's time, so moving that clock brings the next run.
          ...(config.clockNow === undefined ? {} : { now: config.clockNow }),
        });

  return { run, stop: async () => timer?.stop() };
}
