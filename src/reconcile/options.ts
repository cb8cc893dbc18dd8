import { PAYMENT_EXPIRY_MINUTES } from '../govuk-pay/index.js';
import {
  invalidOption,
  numberOption,
  optionPath,
  optionsObject,
  rejectUnknownKeys,
} from '../options/index.js';
import type { NumberRule } from '../options/index.js';

/** How one reconciliation run behaves. Every field is optional. */
export interface ReconcileRunOptions {
  /**
   * Only payments created at least this long ago are checked, so journeys still in progress are
   * left alone. In minutes.
   * @default 60
   */
  olderThanMinutes?: number;
  /**
   * The most status reads per second sent to GOV.UK Pay, across the whole run. A 429 lowers it
   * for the rest of the run.
   * @default 10
   */
  ratePerSecond?: number;
  /**
   * The most payments worked on at once (reads and `onSettled` calls in flight).
   * @default 4
   */
  concurrency?: number;
  /**
   * A payment still unfinished or unreadable this long after it was created is reported through
   * the logger and `onStale`. GOV.UK Pay expires payments after 90 minutes (a few minutes late at
   * times), so anything older than this has gone wrong somewhere. In minutes, at least 90.
   * @default 360
   */
  staleAfterMinutes?: number;
  /**
   * Ends the run early: no new payment is started once it aborts; those in flight finish and the
   * summary so far is returned. The reconcile timer uses it so `stop()` does not wait for a
   * long run.
   */
  signal?: AbortSignal;
}

export interface ResolvedReconcileOptions {
  olderThanMs: number;
  ratePerSecond: number;
  concurrency: number;
  staleAfterMs: number;
  signal: AbortSignal | undefined;
}

export const RECONCILE_RUN_OPTION_NAMES = [
  'olderThanMinutes',
  'ratePerSecond',
  'concurrency',
  'staleAfterMinutes',
  'signal',
] as const satisfies readonly (keyof ReconcileRunOptions)[];

const MINUTE_MS = 60_000;
/** A year: a longer age is a unit mistake (milliseconds given as minutes). */
const MAX_AGE_MINUTES = 365 * 24 * 60;

const OLDER_THAN_MINUTES_RULE: NumberRule = { min: 0, max: MAX_AGE_MINUTES, unit: 'minutes' };
const RATE_PER_SECOND_RULE: NumberRule = {
  min: 0.01,
  max: 10_000,
  unit: 'reads per second',
  why: 'GOV.UK Pay allows tens of GETs per second per account, so 10 is a safe default',
};
const CONCURRENCY_RULE: NumberRule = { min: 1, max: 64, integer: true, unit: 'payments' };
const STALE_AFTER_MINUTES_RULE: NumberRule = {
  min: PAYMENT_EXPIRY_MINUTES,
  max: MAX_AGE_MINUTES,
  unit: 'minutes',
  why: 'GOV.UK Pay only expires unfinished payments after 90 minutes, so younger ones are not stale',
};

/**
 * The one rule for the reconcile timer's interval, for `payJourney({ reconcile })` and
 * `createReconcileTimer` alike: at least a minute (GOV.UK Pay suggests every 30), at most a day,
 * so an abandoned payment is never left unsettled for longer.
 */
export const EVERY_MINUTES_RULE: NumberRule = {
  min: 1,
  max: 24 * 60,
  unit: 'minutes',
  why: 'GOV.UK Pay suggests every 30 minutes',
};

const RUN_DEFAULTS: ResolvedReconcileOptions = {
  olderThanMs: 60 * MINUTE_MS,
  ratePerSecond: 10,
  concurrency: 4,
  staleAfterMs: 360 * MINUTE_MS,
  signal: undefined,
};

/**
 * Checks and fills in run options, once: `payJourney` resolves its `reconcile` option at
 * construction and keeps the result for every run. `base` fills what `options` leaves out, so a
 * run with options of its own overrides only those (`journey.reconcile({ olderThanMinutes })`).
 */
export function resolveReconcileOptions(
  options: ReconcileRunOptions | undefined,
  where = 'reconcile',
  base: ResolvedReconcileOptions = RUN_DEFAULTS,
): ResolvedReconcileOptions {
  const record = optionsObject(options ?? {}, where, '{ olderThanMinutes: 60 }');
  rejectUnknownKeys(record, RECONCILE_RUN_OPTION_NAMES, where);
  const olderThanMinutes = numberOption(
    record.olderThanMinutes,
    optionPath(where, 'olderThanMinutes'),
    OLDER_THAN_MINUTES_RULE,
    base.olderThanMs / MINUTE_MS,
  );
  const staleAfterMinutes = numberOption(
    record.staleAfterMinutes,
    optionPath(where, 'staleAfterMinutes'),
    STALE_AFTER_MINUTES_RULE,
    base.staleAfterMs / MINUTE_MS,
  );
  const signal = record.signal ?? base.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    invalidOption(optionPath(where, 'signal'), 'must be an AbortSignal');
  }
  return {
    olderThanMs: olderThanMinutes * MINUTE_MS,
    ratePerSecond: numberOption(
      record.ratePerSecond,
      optionPath(where, 'ratePerSecond'),
      RATE_PER_SECOND_RULE,
      base.ratePerSecond,
    ),
    concurrency: numberOption(
      record.concurrency,
      optionPath(where, 'concurrency'),
      CONCURRENCY_RULE,
      base.concurrency,
    ),
    staleAfterMs: staleAfterMinutes * MINUTE_MS,
    signal,
  };
}
